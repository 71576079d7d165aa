// Gazette's browser app: plain JavaScript, no build step, no libraries.
//
// Everything it shows comes from the JSON API (/api/search, /api/actors,
// /api/timeline, /api/documents/…). The page's state lives in the address's
// fragment (#q=…&actor=…&page=…&doc=…), so that the back button, reloading
// and a copied link all work. Text from articles is only ever set with
// textContent, never parsed as HTML.
"use strict";

const PAGE_SIZE = 10;
const FACETS = 12;

const $ = (id) => document.getElementById(id);
const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
};
const svg = (tag, attributes = {}) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
};
const number = (n) => n.toLocaleString("en");

// Names of actors seen in facets and documents, for the filter chips (the
// address holds only their ids).
const actorNames = new Map();

// ---- State in the address ----------------------------------------------

function readState() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    q: params.get("q") || "",
    actors: params.getAll("actor"),
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    doc: params.get("doc"),
  };
}

function address(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const actor of state.actors) params.append("actor", actor);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.doc) params.set("doc", state.doc);
  const text = params.toString();
  return text ? "#" + text : "#";
}

function go(change) {
  const next = { ...readState(), ...change };
  const target = address(next);
  // Loading from now, in the same task as the address change: whoever
  // waits for "ready" (a person's eye, the browser test) sees the new page.
  document.body.dataset.state = "loading";
  if (target === (location.hash || "#")) render();
  else location.hash = target;
}

// ---- API ------------------------------------------------------------------

function query(path, state, extra = {}) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const actor of state.actors) params.append("actor", actor);
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return path + "?" + params.toString();
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error(`${url}: the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new Error(body.error || `${url}: ${response.status}`);
  return body;
}

// ---- Rendering --------------------------------------------------------------

let generation = 0; // answers to an older render are dropped

async function render() {
  const state = readState();
  const mine = ++generation;
  document.body.dataset.state = "loading";
  $("q").value = state.q;
  try {
    if (state.doc) await renderDocument(state, mine);
    else await renderResults(state, mine);
    if (mine === generation) document.body.dataset.state = "ready";
  } catch (error) {
    if (mine !== generation) return;
    showError(error.message);
    document.body.dataset.state = "error";
  }
}

function showError(message) {
  $("document").hidden = true;
  $("results-pane").hidden = false;
  $("facets").hidden = false;
  $("results").replaceChildren();
  $("pager").replaceChildren();
  $("timeline").hidden = true;
  const status = $("status");
  status.className = "error";
  status.setAttribute("role", "alert");
  status.textContent = message;
}

async function renderResults(state, mine) {
  const searching = state.q.trim() !== "" || state.actors.length > 0;
  const offset = (state.page - 1) * PAGE_SIZE;
  const [results, facets, timeline] = await Promise.all([
    searching ? getJSON(query("/api/search", state, { limit: PAGE_SIZE, offset })) : null,
    getJSON(query("/api/actors", state, { limit: FACETS })),
    getJSON(query("/api/timeline", state)),
  ]);
  if (mine !== generation) return;
  $("document").hidden = true;
  $("results-pane").hidden = false;
  $("facets").hidden = false;
  document.title = searching ? `${state.q || state.actors.join(", ")} · Gazette` : "Gazette";

  const status = $("status");
  status.className = "";
  status.setAttribute("role", "status");
  if (!searching) {
    status.textContent = `${number(facets.documents)} articles in the archive. Search for words, or pick an actor.`;
  } else {
    const about = results.total_exact ? "" : "at least ";
    const shown = results.hits.length
      ? ` · ${number(offset + 1)}–${number(offset + results.hits.length)} shown`
      : "";
    status.textContent =
      `${about}${number(results.total)} ${results.total === 1 ? "article" : "articles"}${shown}` +
      ` · ${results.took_ms} ms`;
  }
  renderFacets(state, facets);
  renderTimeline(state, timeline);
  renderHits(state, results ? results.hits : []);
  renderPager(state, results ? results.total : 0);
}

function renderFacets(state, facets) {
  for (const entry of facets.actors) actorNames.set(entry.id, entry.name);
  const filters = $("filters");
  filters.replaceChildren(
    ...state.actors.map((id) => {
      const button = el(
        "button",
        { type: "button", class: "chip", "aria-pressed": "true", "data-actor": id, title: "Remove this filter" },
        actorNames.get(id) || id,
        el("span", { class: "remove", "aria-hidden": "true", text: "×" }),
      );
      button.addEventListener("click", () => toggleActor(id));
      return button;
    }),
  );
  const list = $("actor-list");
  list.replaceChildren(
    ...facets.actors.map((entry) => {
      const button = el(
        "button",
        { type: "button", class: "facet", "aria-pressed": "false", "data-actor": entry.id },
        el("span", { class: "name", text: entry.name }),
        el("span", { class: "kind", text: entry.kind }),
        el("span", { class: "count", text: number(entry.articles) }),
      );
      button.title = `Only articles that name ${entry.name} (${entry.articles})`;
      button.addEventListener("click", () => toggleActor(entry.id));
      return el("li", {}, button);
    }),
  );
  if (!facets.actors.length) list.append(el("li", { class: "empty", text: "No other actors named." }));
}

function toggleActor(id) {
  const state = readState();
  const actors = state.actors.includes(id) ? state.actors.filter((a) => a !== id) : [...state.actors, id];
  go({ actors, page: 1, doc: null });
}

// A bar chart of the matching articles by month (or year) of publication;
// a bar's click narrows the query to its month (date:YYYY-MM) or year.
function renderTimeline(state, timeline) {
  const figure = $("timeline");
  const buckets = timeline.buckets;
  figure.hidden = buckets.length === 0;
  if (!buckets.length) return;
  const dated = timeline.documents - timeline.undated;
  const undated = timeline.undated ? `; ${number(timeline.undated)} undated` : "";
  $("timeline-caption").textContent =
    `By ${timeline.interval}: ${number(dated)} dated ${dated === 1 ? "article" : "articles"}, ` +
    `${buckets[0].key} to ${buckets[buckets.length - 1].key}${undated}`;
  const width = 600, height = 90, axis = 16;
  const most = Math.max(...buckets.map((b) => b.articles));
  const step = width / buckets.length;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height + axis}`, class: "chart", role: "img",
    "aria-label": $("timeline-caption").textContent,
  });
  const labelEvery = Math.ceil(buckets.length / 8);
  buckets.forEach((bucket, i) => {
    const barHeight = bucket.articles ? Math.max(2, (bucket.articles / most) * height) : 0;
    const tip = svg("title");
    tip.textContent = `${bucket.key}: ${number(bucket.articles)} ${bucket.articles === 1 ? "article" : "articles"}`;
    // A transparent column takes clicks on short bars too.
    const column = svg("rect", { x: (i * step).toFixed(1), y: 0, width: step.toFixed(1), height, class: "column" });
    const bar = svg("rect", {
      x: (i * step + step * 0.1).toFixed(1), y: (height - barHeight).toFixed(1),
      width: Math.max(1, step * 0.8).toFixed(1), height: barHeight.toFixed(1),
      class: "bar", "data-key": bucket.key,
    });
    column.append(tip.cloneNode(true));
    bar.append(tip);
    if (bucket.articles) {
      for (const node of [column, bar]) node.addEventListener("click", () => narrowTo(state, bucket.key));
    }
    chart.append(column, bar);
    if (i % labelEvery === 0) {
      const label = svg("text", { x: (i * step + step / 2).toFixed(1), y: height + axis - 3, class: "label" });
      label.textContent = bucket.key;
      chart.append(label);
    }
  });
  $("chart").replaceChildren(chart);
}

function narrowTo(state, period) {
  const words = state.q.split(/\s+/).filter((w) => w && !/^date:/i.test(w));
  go({ q: [...words, `date:${period}`].join(" "), page: 1 });
}

// `text` with `ranges` ([start, end) in Unicode scalars, as the API gives
// them) wrapped by `mark(range)` elements.
function marked(text, ranges, mark) {
  const chars = Array.from(text);
  const out = document.createDocumentFragment();
  let at = 0;
  for (const range of ranges) {
    const [start, end] = range.span;
    if (start < at || end > chars.length || start >= end) continue;
    if (start > at) out.append(chars.slice(at, start).join(""));
    const node = mark(range);
    node.textContent = chars.slice(start, end).join("");
    out.append(node);
    at = end;
  }
  if (at < chars.length) out.append(chars.slice(at).join(""));
  return out;
}

function documentLink(state, path) {
  return address({ ...state, doc: path });
}

function renderHits(state, hits) {
  $("results").replaceChildren(
    ...hits.map((hit) => {
      const meta = [hit.published && hit.published.slice(0, 10), hit.site, hit.path].filter(Boolean);
      const snippet = marked(
        hit.snippet,
        hit.highlights.map((span) => ({ span })),
        () => el("mark"),
      );
      return el(
        "li",
        { class: "hit" },
        el("h3", {}, el("a", { href: documentLink(state, hit.path), class: "title", text: hit.title || hit.path })),
        el("p", { class: "meta", text: meta.join(" · ") }),
        el("p", { class: "snippet" }, snippet),
      );
    }),
  );
}

function renderPager(state, total) {
  // The server skips at most 100,000 hits.
  const pages = Math.ceil(Math.min(total, 100_000 + PAGE_SIZE) / PAGE_SIZE);
  const pager = $("pager");
  pager.replaceChildren();
  if (state.page > pages && total > 0) {
    pager.append(el("a", { href: address({ ...state, page: 1 }), text: `No page ${state.page}: back to page 1` }));
    return;
  }
  if (pages <= 1) return;
  const link = (page, text, label) => {
    if (page < 1 || page > pages) return el("span", { class: "off", text });
    const attributes = { href: address({ ...state, page }), "aria-label": label || `Page ${page}` };
    if (page === state.page) attributes["aria-current"] = "page";
    return el("a", attributes, text);
  };
  const first = Math.max(1, Math.min(state.page - 3, pages - 6));
  const last = Math.min(pages, first + 6);
  pager.append(link(state.page - 1, "‹ Previous", "Previous page"));
  for (let page = first; page <= last; page++) pager.append(link(page, String(page)));
  pager.append(link(state.page + 1, "Next ›", "Next page"));
}

// One article, with every actor mention marked, and its actors listed.
async function renderDocument(state, mine) {
  const path = state.doc;
  // One segment, "/" escaped too: an absolute path keeps its first "/", and
  // the browser does not resolve a "../" of the path in the URL.
  const article = await getJSON("/api/documents/" + encodeURIComponent(path));
  if (mine !== generation) return;
  $("results-pane").hidden = true;
  $("facets").hidden = true;
  const view = $("document");
  view.hidden = false;
  document.title = `${article.title || article.path} · Gazette`;
  const mentions = article.mentions || [];
  for (const m of mentions) actorNames.set(m.actor, m.name);
  const markFor = (m) =>
    el("mark", { class: `actor kind-${m.kind}`, "data-actor": m.actor, title: `${m.name} (${m.kind})` });
  const inField = (field) => mentions.filter((m) => m.field === field).map((m) => ({ ...m, span: [m.start, m.end] }));

  const counts = new Map();
  for (const m of mentions) {
    const entry = counts.get(m.actor) || { id: m.actor, name: m.name, kind: m.kind, mentions: 0 };
    entry.mentions += 1;
    counts.set(m.actor, entry);
  }
  const legend = [...counts.values()].sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name));
  const back = el("a", { href: address({ ...state, doc: null }), class: "back", text: "← Back to the results" });
  const meta = [
    article.published && article.published.slice(0, 10), article.byline, article.site,
  ].filter(Boolean);
  // A link only to the web: the page's own canonical URL could be javascript:.
  const source = /^https?:\/\//i.test(article.url || "")
    ? el("a", { href: article.url, rel: "noopener noreferrer", text: article.url })
    : document.createTextNode(article.url || article.path);
  const actors = el(
    "ul",
    { class: "legend", "aria-label": "Actors named in this article" },
    ...legend.map((a) => {
      const link = el(
        "a",
        { href: address({ q: "", actors: [a.id], page: 1, doc: null }), class: `kind-${a.kind}` },
        el("span", { class: "name", text: a.name }),
        el("span", { class: "count", text: String(a.mentions) }),
      );
      link.title = `Articles that name ${a.name}`;
      return el("li", {}, link);
    }),
  );
  view.replaceChildren(
    back,
    el("h1", {}, marked(article.title || article.path, inField("title"), markFor)),
    el("p", { class: "meta", text: meta.join(" · ") }),
    el("p", { class: "source" }, source),
    el("h2", { class: "legend-heading", text: `Actors named (${number(mentions.length)} mentions)` }),
    actors,
    el("div", { class: "text" }, marked(article.text || "", inField("body"), markFor)),
  );
  back.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// ---- Keyboard ---------------------------------------------------------------

function moveFocus(step) {
  const links = [...document.querySelectorAll("#results .hit a.title")];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement);
  const next = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + step));
  links[next].focus();
  links[next].closest(".hit").scrollIntoView({ block: "nearest" });
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.matches("input, textarea, select");
  if (event.key === "Escape") {
    if (typing) event.target.blur();
    else if (readState().doc) go({ doc: null });
    return;
  }
  if (typing) return;
  if (event.key === "/") {
    event.preventDefault();
    $("q").focus();
    $("q").select();
  } else if (event.key === "j" && !readState().doc) {
    moveFocus(1);
  } else if (event.key === "k" && !readState().doc) {
    moveFocus(-1);
  }
});

// ---- Start ------------------------------------------------------------------

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  go({ q: $("q").value.trim(), page: 1, doc: null });
});
// A link within the app changes the address, and the page is loading from
// that click on (as in go()).
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#"]');
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (link.getAttribute("href") !== (location.hash || "#")) document.body.dataset.state = "loading";
});
window.addEventListener("hashchange", render);
render();
