import NewsCore
import TestSupport
import Testing

@testable import TextAnalysis

/// A small gazetteer written for these tests, so that each rule is tested
/// against aliases the test controls.
let testGazetteerText = """
    # Test gazetteer.
    IRN country Iran
      official: Islamic Republic of Iran
      alias: Islamic Republic
      demonym: Iranian; Iranians
      capital: Tehran
      source: test

    USA country United States
      acronym: US; U.S.; USA
      demonym: American; Americans
      capital: Washington

    IRGC armed-group Islamic Revolutionary Guard Corps
      parent: IRN
      acronym: IRGC
      alias: Revolutionary Guards

    QUDS armed-group Quds Force
      parent: IRGC

    JOR country Jordan
      ambiguous: Jordan
      capital: Amman

    GIN country Guinea
    PNG country Papua New Guinea

    COG country Republic of the Congo
      alias: Congo
    COD country Democratic Republic of the Congo
      alias: Congo

    CAN country Canada
      dateline: Toronto; Vancouver; British Columbia

    GBR country United Kingdom
      acronym: UK
      dateline: Manchester

    MEX country Mexico

    AQ armed-group al-Qaeda
      alias: al Qaeda

    NONE-PLACES none Places that are not actors
      alias: Washington Post; New Guinea Highlands
    """

func testGazetteer() throws -> Gazetteer {
    try Gazetteer(parsing: testGazetteerText, path: "test")
}

/// The actors found in `body` (title empty): (text as written, actor ID, rule).
func actors(_ body: String, title: String = "", gazetteer: Gazetteer? = nil) throws -> [(String, String, String)] {
    let gazetteer = try gazetteer ?? testGazetteer()
    var analysis = DocumentAnalysis()
    Analyzer(gazetteer: gazetteer).analyze(title: title, body: body, into: &analysis)
    let texts: [Field: [UInt8]] = [.title: Array(title.utf8), .body: Array(body.utf8)]
    return analysis.mentions.map { mention in
        let id = analysis.id(of: mention.actor, in: gazetteer)
        return (String(decoding: texts[mention.field]![mention.sourceRange], as: UTF8.self), id, mention.rule.rawValue)
    }
}

func ids(_ found: [(String, String, String)]) -> [String] { found.map(\.1) }

@Suite("Actor recognition")
struct ActorRecognitionTests {
    @Test("names, demonyms, capitals and possessives resolve to the actor")
    func aliases() throws {
        let found = try actors("Iran's envoy met Iranians in Tehran; the Islamic Republic said an Iranian ship left.")
        #expect(found.map(\.0) == ["Iran's", "Iranians", "Tehran", "Islamic Republic", "Iranian"])
        #expect(Set(ids(found)) == ["IRN"])
        #expect(found.map(\.2) == ["name", "demonym", "capital", "alias", "demonym"])
    }

    @Test("US and U.S. are the United States; us and Us are not")
    func acronymCase() throws {
        #expect(ids(try actors("The US and U.S.-led forces told us; Us too.")) == ["USA", "USA"])
        #expect(try actors("They want us to leave").isEmpty)
    }

    @Test("all-caps headlines and datelines still count")
    func capitals() throws {
        let found = try actors("TEHRAN, March 3 - Officials spoke.", title: "IRAN SAYS U.S. MUST LEAVE")
        #expect(found.map(\.0) == ["IRAN", "U.S", "TEHRAN"])
        #expect(ids(found) == ["IRN", "USA", "IRN"])
    }

    @Test("the longest alias wins; blockers name nobody")
    func longestMatch() throws {
        #expect(ids(try actors("Papua New Guinea and Guinea signed.")) == ["PNG", "GIN"])
        #expect(
            ids(try actors("The Islamic Revolutionary Guard Corps and the Revolutionary Guards.")) == ["IRGC", "IRGC"])
        #expect(try actors("The Washington Post reported it.").isEmpty)
        #expect(ids(try actors("Washington reported it.")) == ["USA"])
        #expect(ids(try actors("Fighters of al-Qaeda and al Qaeda.")) == ["AQ", "AQ"])
    }

    @Test("an alias of two actors names nobody")
    func ambiguousAlias() throws {
        #expect(try actors("Fighting in Congo spread.").isEmpty)
        #expect(ids(try actors("The Democratic Republic of the Congo said.")) == ["COD"])
    }

    @Test("Jordan needs context: not beside another capitalised name")
    func context() throws {
        #expect(ids(try actors("In Jordan, the king spoke.")) == ["JOR"])
        #expect(!ids(try actors("Michael Jordan scored.")).contains("JOR"))
        #expect(!ids(try actors("Jordan Peterson spoke.")).contains("JOR"))
        #expect(ids(try actors("Amman and Jordan's allies met.")) == ["JOR", "JOR"])
    }

    @Test("a dateline city counts only at the start of the body")
    func dateline() throws {
        #expect(ids(try actors("TORONTO, March 3 - Shares rose.")) == ["CAN"])
        #expect(try actors("Shares rose in Toronto.").isEmpty)
        #expect(ids(try actors("Toronto (Reuters) - Shares rose.")) == ["CAN"])
    }

    @Test("a dateline's region names the country; a region of another country overrides the city")
    func datelineRegions() throws {
        #expect(ids(try actors("VANCOUVER, British Columbia, March 3 - Shares rose.")) == ["CAN", "CAN"])
        #expect(ids(try actors("MANCHESTER, England, March 3 - Rain.")) == ["GBR"])
        #expect(ids(try actors("MANCHESTER, March 3 - Rain.")) == ["GBR"])
        let usa = try testGazetteer()
        var user = usa
        try user.merge(parsing: "USA\n  dateline: N.H.\n", path: "user")
        #expect(ids(try actors("MANCHESTER, N.H., March 3 - Rain.", gazetteer: user)) == ["USA"])
        // Outside a dateline a region still covers its words: New Mexico is not Mexico.
        try user.merge(parsing: "USA\n  dateline: New Mexico\n", path: "user")
        #expect(try actors("Rain fell in New Mexico and British Columbia.", gazetteer: user).isEmpty)
        #expect(ids(try actors("Rain fell in Mexico.", gazetteer: user)) == ["MEX"])
    }

    @Test("a ticker in angle brackets is not an acronym")
    func tickers() throws {
        #expect(!ids(try actors("Shares of Union Carbide <UK> fell.")).contains("GBR"))
        #expect(ids(try actors("Shares in the UK fell.")) == ["GBR"])
    }

    @Test("a field written in lower case matches aliases in any case, and learns no names")
    func caseless() throws {
        let body =
            "mexico city, march 18 - mexico's proven reserves of liquid hydrocarbons fell slightly "
            + "in 1986, the state oil company said, and output will rise this year as new fields open."
        #expect(ids(try actors(body)) == ["MEX", "MEX"])
        // In ordinary text a lower-case "mexico" is not the country.
        #expect(try actors("The mexico pattern is a word here, not a name, in this sentence.").isEmpty)
    }

    @Test("capitalised runs become people; a later surname is the same person")
    func learnedPeople() throws {
        let found = try actors(
            "Foreign ministry spokesman Nasser Kanaani told reporters. Kanaani said Iran would respond.")
        #expect(found.map(\.0) == ["Nasser Kanaani", "Kanaani", "Iran"])
        #expect(ids(found) == ["p:nasser-kanaani", "p:nasser-kanaani", "IRN"])
        #expect(found.map(\.2) == ["capitalised-name", "surname", "name"])
    }

    @Test("the surname in the title resolves through the body's full name")
    func surnameInTitle() throws {
        let found = try actors("Spokesman Nasser Kanaani said so.", title: "Kanaani rejects talks")
        #expect(ids(found) == ["p:nasser-kanaani", "p:nasser-kanaani"])
    }

    @Test("titles and sentence-initial common words are not names; places are not actors")
    func notNames() throws {
        #expect(ids(try actors("President Joe Biden spoke.")) == ["p:joe-biden"])
        #expect(try actors("The Prime Minister spoke. On Monday March rains fell.").isEmpty)
        #expect(try actors("Ships crossed the Persian Gulf near Ain al-Asad air base.").isEmpty)
        let org = try actors("Shares of Acme Widget Corp rose.")
        #expect(ids(org) == ["o:acme-widget-corp"])
    }

    @Test("names with particles: al-, bin, von der")
    func particles() throws {
        #expect(ids(try actors("Leader Abu Mahdi al-Muhandis was killed.")) == ["p:abu-mahdi-al-muhandis"])
        #expect(ids(try actors("Ursula von der Leyen spoke.")) == ["p:ursula-von-der-leyen"])
    }

    @Test("an acronym defined in brackets is learned for the article, over the gazetteer")
    func acronyms() throws {
        let found = try actors(
            "The Islamic Revolutionary Guard Corps (IRGC) trained them. The IRGC denied it.")
        #expect(found.map(\.0) == ["Islamic Revolutionary Guard Corps", "IRGC", "IRGC"])
        #expect(Set(ids(found)) == ["IRGC"])
        #expect(found.map(\.2) == ["name", "learned", "learned"])

        let unknown = try actors("The Northern Widget Alliance (NWA) met. Later the NWA voted.")
        #expect(
            ids(unknown) == ["o:northern-widget-alliance", "o:northern-widget-alliance", "o:northern-widget-alliance"])
        #expect(unknown.map(\.2) == ["capitalised-name", "learned", "learned"])
    }

    @Test("mentions carry positions, spans and zones; words stay for keyword search")
    func positionsAndZones() throws {
        let gazetteer = try testGazetteer()
        var analysis = DocumentAnalysis()
        Analyzer(gazetteer: gazetteer).analyze(
            title: "Iran warns", body: "TEHRAN - Iran spoke. Later, the Islamic Revolutionary Guard Corps left.",
            into: &analysis)
        let zones = analysis.mentions.map(\.zone)
        #expect(zones == [.title, .lead, .lead, .body])
        let irgc = try #require(analysis.mentions.last)
        #expect(irgc.positionLength == 4)
        let words = analysis.words.map { String(decoding: analysis.term(of: $0), as: UTF8.self) }
        // Stemmed words, actor words kept: "revolutionari" is the Snowball stem.
        #expect(words.contains("revolutionari") && words.contains("guard") && words.contains("corp"))
        #expect(
            analysis.words.first { $0.position == irgc.position }.map { analysis.term(of: $0) }
                == Array("islam".utf8)[...])
    }

    @Test("without a gazetteer nothing is recognised and words are the same")
    func off() throws {
        var on = DocumentAnalysis()
        var off = DocumentAnalysis()
        let text = "Iran's envoy Nasser Kanaani met US officials."
        Analyzer(gazetteer: try testGazetteer()).analyze(title: "", body: text, into: &on)
        Analyzer().analyze(title: "", body: text, into: &off)
        #expect(off.mentions.isEmpty && !on.mentions.isEmpty)
        #expect(on.words.map { on.term(of: $0) } == off.words.map { off.term(of: $0) })
    }
}

@Suite("Stemming")
struct StemmingTests {
    @Test("English Snowball stems words; numbers, acronyms and other scripts pass")
    func stems() throws {
        let analyzer = Analyzer()
        #expect(analyzer.terms("attacks militias attacked running") == ["attack", "militia", "attack", "run"])
        #expect(analyzer.terms("U.S. 2020 155,221 Тегеран") == ["us", "2020", "155,221", "тегеран"])
        #expect(Analyzer(stemming: false).terms("attacks") == ["attacks"])
        let stemmer = try #require(Stemmer())
        #expect(stemmer.stem("united") == "unit")
    }
}

@Suite("Gazetteer")
struct GazetteerTests {
    @Test("the bundled gazetteer parses, and its embedded copy is the data file")
    func bundled() throws {
        let path = Repository.root + "/Sources/TextAnalysis/Gazetteer/actors.txt"
        let file = String(decoding: try readBytes(path), as: UTF8.self)
        #expect(file == Gazetteer.bundledText, "run: python3 tools/gen_gazetteer.py")
        let gazetteer = Gazetteer.bundled
        #expect(gazetteer.actors.count > 300)
        for id in ["IRN", "USA", "IRQ", "ISR", "CHN", "IRGC", "QUDS", "UN", "NATO", "OPEC", "IAEA"] {
            #expect(gazetteer.actor(id: id) != nil, "missing \(id)")
        }
        // Quds Force → IRGC → Iran.
        #expect(gazetteer.actor(id: "QUDS")?.parent == "IRGC")
        #expect(gazetteer.actor(id: "IRGC")?.parent == "IRN")
    }

    @Test("names resolve through any alias, in any case; ambiguous names list candidates")
    func resolve() throws {
        let gazetteer = try testGazetteer()
        for name in ["Iran", "tehran", "IRANIAN", "irn", "Islamic Republic of Iran", "Iran's"] {
            #expect(gazetteer.resolve(name).map { gazetteer.actors[$0].id } == ["IRN"], "\(name)")
        }
        #expect(Set(gazetteer.resolve("Congo").map { gazetteer.actors[$0].id }) == ["COG", "COD"])
        #expect(gazetteer.resolve("Atlantis").isEmpty)
        #expect(gazetteer.resolve("Washington Post").isEmpty, "blockers never answer")
        let members = gazetteer.withMembers(gazetteer.index(ofID: "IRN")!).map { gazetteer.actors[$0].id }
        #expect(members == ["IRN", "IRGC", "QUDS"])
    }

    @Test("a user file adds actors, adds and moves aliases, removes them, and overrides")
    func merge() throws {
        var gazetteer = try testGazetteer()
        try gazetteer.merge(
            parsing: """
                IRN
                  alias: Persia
                  remove: Islamic Republic

                KH armed-group Kataib Hezbollah
                  parent: IRGC
                  alias: Congo
                """, path: "user.txt")
        #expect(gazetteer.resolve("Persia").map { gazetteer.actors[$0].id } == ["IRN"])
        #expect(gazetteer.resolve("Islamic Republic").isEmpty)
        #expect(gazetteer.resolve("Congo").map { gazetteer.actors[$0].id } == ["KH"], "the user's alias moves")
        #expect(ids(try actors("Kataib Hezbollah fired.", gazetteer: gazetteer)) == ["KH"])
    }

    @Test(
        "errors name the file and line",
        arguments: [
            ("IRN countree Iran", 1, "unknown kind"),
            ("IRN country Iran\n  capitol: Tehran", 2, "unknown key"),
            ("  alias: Iran", 1, "before any actor"),
            ("IRN country Iran\nIRN country Iran", 2, "defined twice"),
            ("1RN country Iran", 1, "not an actor ID"),
            ("IRN country Iran\n  parent: NOPE", nil, "unknown parent"),
            ("A country A\n  parent: B\nB country B\n  parent: A", nil, "its own ancestor"),
        ] as [(String, Int?, String)])
    func errors(text: String, line: Int?, message: String) throws {
        do {
            _ = try Gazetteer(parsing: text, path: "bad.txt")
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.path == "bad.txt")
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("serialised and parsed again, a gazetteer is the same")
    func roundTrip() throws {
        var gazetteer = try testGazetteer()
        try gazetteer.merge(parsing: "IRN\n  former: Persia\n", path: "user")
        // The same actors with the same aliases (a file lists them by key, so their order may change).
        func normalised(_ gazetteer: Gazetteer) -> [String] {
            gazetteer.actors.map { actor in
                let aliases = Set(actor.aliases.map { "\($0.text)|\($0.rule)|\($0.needsContext)" }).sorted()
                return "\(actor.id) \(actor.kind) \(actor.name) \(actor.parent ?? "-") \(aliases) \(actor.sources)"
            }
        }
        let again = try Gazetteer(parsing: gazetteer.serialized(), path: "again")
        #expect(normalised(again) == normalised(gazetteer))
        let bundled = try Gazetteer(parsing: Gazetteer.bundled.serialized(), path: "bundled again")
        #expect(normalised(bundled) == normalised(Gazetteer.bundled))
    }
}
