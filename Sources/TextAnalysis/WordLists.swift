import NewsCore

/// What the word lists say of a word.
struct WordFlags: OptionSet, Sendable {
    let rawValue: UInt8
    static let common = WordFlags(rawValue: 1)
    static let title = WordFlags(rawValue: 2)
    static let organisation = WordFlags(rawValue: 4)
    static let place = WordFlags(rawValue: 8)
    static let connector = WordFlags(rawValue: 16)
    static let month = WordFlags(rawValue: 32)
    /// Not a list: the first word of some alias (set by ``AliasMatcher``).
    static let aliasStart = WordFlags(rawValue: 64)
}

/// Closed word lists the actor recogniser consults, as folded terms. They are
/// about English news prose; each list says what it is for.
enum WordLists {
    /// Each list with the flag it sets (``AliasMatcher`` interns them beside
    /// the alias words, so that one lookup answers both).
    static var all: [(Set<String>, WordFlags)] {
        [
            (common, .common), (titles, .title), (organisation, .organisation), (place, .place),
            (connectors, .connector), (months, .month),
        ]
    }

    /// Function words and frequent sentence openers: a capitalised one at the
    /// start of a sentence is just a sentence start, never a name.
    static let common: Set<String> = Set(
        """
        a about above according across after again against ago all almost along already also although always am
        among an and another any anyone anything are around as at back be because been before behind being below
        besides between both but by can could did do does doing down during each earlier either else even ever every
        few for from further had has have having he her here hers herself him himself his how however i if in
        including inside instead into is it its itself just last late later least less let like many may me meanwhile
        might more moreover most much must my near nearly neither never nevertheless new next no nobody none nor not
        nothing now of off often on once one only onto or other others otherwise our ours out outside over own per
        perhaps rather same several she should since so some someone something soon still such than that the their
        theirs them themselves then there thereafter therefore these they this those though through thus to today
        together tomorrow too toward towards under unless until up upon us very via was we well were what whatever
        when whenever where whereas whether which while who whoever whole whom whose why will with within without
        would yesterday yet you your yours yourself
        monday tuesday wednesday thursday friday saturday sunday
        january february march april may june july august september october november december
        jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
        analysts officials critics sources police residents witnesses diplomats experts observers troops forces
        reuters associated press afp gazette update breaking exclusive analysis opinion editorial
        """.asciiWords.map { String(decoding: $0, as: UTF8.self) })

    /// Titles and offices that stand before a name ("President Joe Biden",
    /// "Foreign Minister Abbas Araghchi"): stripped from the front of a learned
    /// name, and a run made only of them names nobody.
    static let titles: Set<String> = Set(
        """
        president vice prime minister ministry foreign defence defense interior finance economy trade oil energy
        secretary general gen lt col colonel maj major capt captain cmdr commander chief chairman chairwoman chair
        director governor gov senator sen rep representative congressman congresswoman ambassador envoy spokesman
        spokeswoman spokesperson king queen prince princess crown sheikh shaikh emir amir sultan ayatollah imam pope
        cardinal bishop rabbi reverend rev sir lord lady dame judge justice chancellor premier mayor deputy acting
        former late mr mrs ms dr prof professor leader speaker admiral adm sergeant sgt lieutenant marshal brig
        brigadier supreme grand state senior junior top chief-of-staff head nato un eu
        """.asciiWords.map { String(decoding: $0, as: UTF8.self) })

    /// Words that make a learned name an organisation rather than a person.
    static let organisation: Set<String> = Set(
        """
        corp corporation inc co ltd plc ag sa nv llc lp bank banks group party ministry council agency force forces
        army navy airforce front brigade brigades battalion movement organization organisation committee union
        association company fund institute university college school exchange commission court parliament assembly
        guard guards corps authority board federation league department office service services resistance network
        foundation trust industries industry holdings airlines airways motors oil petroleum energy international
        securities centre center society church mission alliance coalition militia militias regiment division
        command studies institution bureau administration government cabinet senate congress house club bancorp
        bancshares financial capital partners systems technologies communications electric steel chemical chemicals
        mining resources investments insurance newspaper times post news television radio agency media press
        """.asciiWords.map { String(decoding: $0, as: UTF8.self) })

    /// Words that make a capitalised run a place, not an actor ("Persian Gulf",
    /// "Anbar Province"); also lower-case nouns that, right after a run, say it
    /// was a place name ("Ain al-Asad air base").
    static let place: Set<String> = Set(
        """
        gulf sea ocean river strait straits bay lake canal peninsula coast island islands province county district
        region valley mountain mountains hills desert airport base street road avenue square bridge port harbour
        harbor city town village camp border crossing field fields plain plains park stadium hospital station
        highway north south east west northern southern eastern western central middle upper lower greater
        """.asciiWords.map { String(decoding: $0, as: UTF8.self) })

    /// Month names and their abbreviations: what follows the comma of a dateline.
    static let months: Set<String> = Set(
        """
        january february march april may june july august september october november december
        jan feb mar apr jun jul aug sep sept oct nov dec
        """.asciiWords.map { String(decoding: $0, as: UTF8.self) })

    /// Lower-case particles inside names ("Abu Mahdi al-Muhandis", "Ursula von
    /// der Leyen", "Bank of Japan").
    static let connectors: Set<String> = Set(
        "al el bin ibn bint de da del della der den van von la le du dos das di of".split(separator: " ").map(
            String.init))
}
