"""Words that tell a role, an office, a place or an event from a person's name.

One home for these lists: the parser, attribution and the speaker audit all read them.
Everything is lower case; compare against folded text.
"""

# A label whose last word is one of these names a kind of participant, not a person:
# "AIDE", "MILITARY AIDE", "FBI OFFICIAL", "AUDIENCE MEMBERS", "GUEST", "CHILD".
ROLE_HEADS = frozenset(
    """
    official officials aide aides member members guest guests child children kid kids
    staff staffer staffers participant participants audience crowd attendee attendees
    reporter reporters journalist journalists questioner questioners student students
    voice voices speaker speakers moderator moderators operator operators interpreter
    interpreters translator translators announcer narrator panelist panelists host
    hosts crew volunteer volunteers worker workers resident residents veteran veterans
    soldier soldiers servicemember servicemembers sailor sailors attendant attendants
    protester protesters protestor heckler hecklers spectator spectators delegate
    delegates representative representatives officer officers person people man woman
    unidentified unknown press pool
    """.split()
)

# Words that, inside a name taken from a headline, mark where the name ends: travel,
# venue and event words ("Karine Jean-Pierre En Route Los Angeles", "Antony J. Blinken
# Panel", "John Kirby Aboard Air Force One").
EVENT_WORDS = frozenset(
    """
    en route aboard onboard board air force one joint panel virtual telegram briefing
    press gaggle call conference availability remarks interview statement statements
    readout meeting meetings event events visit trip travel summit session roundtable
    discussion ceremony reception dinner luncheon breakfast toast signing town hall
    hearing forum dialogue webinar livestream podcast broadcast program programme show
    upcoming preview previewing update updates following before after during ahead
    """.split()
)

# Office words that are never a given name even when capitalised inside a headline.
OFFICE_WORDS = frozenset(
    """
    secretary minister president vice prime spokesperson spokesman spokeswoman ambassador
    envoy director adviser advisor counselor counsellor administrator coordinator deputy
    assistant undersecretary under chancellor premier king queen prince princess emir
    sultan sheikh governor senator congressman congresswoman commissioner chair chairman
    chairwoman chairperson general admiral commander chief mayor leader principal senior
    special national security economic council communications strategic policy affairs
    homeland domestic international public diplomacy press first lady gentleman
    surgeon attorney justice lieutenant colonel captain major sergeant pope cabinet
    house white department state states united foreign defense defence treasury
    commerce labor energy health interior agriculture transportation education
    veterans member office bureau agency administration government council's
    """.split()
)

# News organisations printed as a questioner's label ("Politico:", "REUTERS:"): the turn is
# a question from that outlet, not the words of a person called Politico.
OUTLETS = frozenset(
    """
    politico reuters ap afp bloomberg cnn nbc abc cbs fox npr pbs msnbc axios cnbc bbc
    nhk kyodo yonhap xinhua tass ria efe ansa dpa newsmax semafor punchbowl telemundo
    univision wsj nyt
    """.split()
) | frozenset(
    {
        "associated press", "the associated press", "wall street journal", "the wall street journal",
        "new york times", "the new york times", "washington post", "the washington post", "fox news",
        "cbs news", "nbc news", "abc news", "al jazeera", "the hill", "voice of america", "voa",
        "financial times", "the guardian", "usa today", "los angeles times", "the atlantic",
        "agence france-presse", "agence france presse", "bloomberg news", "cnn international",
        "sky news", "npr news", "pbs newshour", "the economist", "time magazine", "newsweek",
    }
)
