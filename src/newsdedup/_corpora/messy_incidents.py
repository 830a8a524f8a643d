"""A crawl of local-news reports about many look-alike incidents (issue #15, scenarios 1, 4).

:func:`incident_crawl` writes police reports for incidents of a few kinds (shootings,
robberies, crashes, ...) in a few dozen towns over four years, as local stations publish
them: every report of every incident is told with the same stock sentences, so what tells
two incidents apart is only who, where, when and how much. Each incident gets one to four
write-ups on different stations (different sentences, order and paragraphs, the same facts),
sometimes a sister station's verbatim copy, and sometimes follow-ups one to six weeks later
(an arrest, charges, a name released) about the same people and place. Nearby incidents of
one kind in one town a few days apart are frequent, as in real crawls.

Some pages hold only their station's site template (cookie notice, "verification email",
"get email notifications", a captcha): extraction failed. They keep their own title and
date; their bodies are identical or nearly so (a year or a reference number differs).

Gold labels: the story is the incident (``incident:<n>``, templates included: their title
says which); every article is its own duplicate group except a sister-station copy, which
joins its original; kinds ``original``, ``copy``, ``follow-up``, ``template``.

>>> crawl = incident_crawl(30, seed=2)
>>> "original" in {crawl.labels[a.id].kind for a in crawl.articles}
True
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from .._text.article import Article
from .messy import MessyCorpus, _corpus, _shingles
from .synthetic import ArticleLabels

__all__ = ["SITE_TEMPLATES", "incident_crawl", "site_names"]

_FIRST = (
    "Marcus", "James", "Daniel", "Anthony", "Kevin", "Brian", "Luis", "Tyrell", "Robert", "Eric",
    "Jose", "Michael", "David", "Chris", "Andre", "Dustin", "Travis", "Cody", "Jamal", "Ryan",
    "Maria", "Ashley", "Jessica", "Tanya", "Brittany", "Karen", "Denise", "Latoya", "Rosa",
    "Emily", "Sarah", "Monica", "Alicia", "Crystal", "Heather", "Keisha",
)
_LAST = (
    "Reed", "Ortiz", "Johnson", "Walker", "Brooks", "Hayes", "Rivera", "Coleman", "Price",
    "Bennett", "Foster", "Simmons", "Jenkins", "Perry", "Powell", "Long", "Patterson", "Hughes",
    "Flores", "Washington", "Butler", "Barnes", "Fisher", "Henderson", "Russell", "Griffin",
    "Diaz", "Sanders", "Wood", "Ross", "Howard", "Ward", "Torres", "Peterson", "Gray", "Ramirez",
    "Watson", "Kelly", "Cox", "Murphy", "Bailey", "Cooper", "Richardson", "Morales", "Kim",
)
_TOWNS = (
    "Millbrook", "Cedar Falls", "Ashford", "Brookhaven", "Clearwater", "Dunmore", "Eastwood",
    "Fairview", "Glenwood", "Harrisville", "Ironton", "Jasper", "Kingsley", "Lakeside",
    "Maplewood", "Northfield", "Oakridge", "Pinecrest", "Quincy", "Riverton", "Springdale",
    "Thornton", "Union City", "Vernon", "Westbrook", "Yorktown", "Zanesville", "Bellmont",
    "Carverton", "Danbury Heights", "Elkton", "Foxborough", "Greenville", "Hillcrest",
    "Kent Ridge", "Lowell Park",
)
_STREETS = (
    "Elm Street", "Oak Avenue", "Main Street", "Maple Drive", "Washington Boulevard",
    "Pine Street", "Lincoln Avenue", "Jefferson Street", "Cedar Lane", "Park Avenue", "Lake Road",
    "Hill Street", "Church Street", "Market Street", "Broad Street", "Spring Street",
    "Walnut Street", "Chestnut Street", "Highland Avenue", "Franklin Street", "River Road",
    "Mill Road", "School Street", "Route 9", "Route 22", "Center Street", "Water Street",
    "Union Avenue", "Grove Street", "Prospect Street",
)
_VEHICLES = (
    "silver Honda Civic", "black Chevrolet Tahoe", "white Ford F-150", "gray Nissan Altima",
    "red Dodge Charger", "blue Toyota Camry", "dark-colored sedan", "white van",
    "black Jeep Cherokee", "green Hyundai Elantra",
)
_BUSINESSES = (
    "a gas station", "a convenience store", "a pharmacy", "a bank branch", "a liquor store",
    "a pizza restaurant", "a Dollar General store", "a cellphone store",
)
_TIMES = (
    "shortly before 2 a.m.", "around 11:30 p.m.", "just after 7 p.m.", "around 3 p.m.",
    "shortly after midnight", "around 9:45 a.m.", "just before 6 a.m.", "around 4:15 p.m.",
)
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_SITE_WORDS = (
    "channel7-news", "kxtv-local", "wbnd-13", "valley-news-now", "tri-county-patch",
    "metro-eyewitness", "wrgt-fox9", "news4-local",
)

# Per incident kind: titles | leads | details | follow-up leads, "|"-separated.
_KINDS: dict[str, tuple[str, str, str, str]] = {
    "shooting": (
        "{Victim} shot on {street} in {town}|Police investigating shooting in {town}|"
        "{town} shooting leaves {victim} hurt",
        "{A_victim} was shot on {street} in {town} {time} {weekday}, police said.|"
        "Police in {town} are investigating a shooting that left {a_victim} wounded {weekday}.|"
        "{A_victim} was taken to {hospital} after being shot in the {block} {weekday} night.",
        "The victim was listed in {condition} condition, according to {spokes}.|"
        "Witnesses told officers they heard several shots and saw a {vehicle} leave the area.|"
        "Officers found shell casings in the street and at least one house was struck.|"
        "Police believe the shooting was not random.",
        "Police have arrested {suspect} in connection with the {date} shooting on {street} in "
        "{town}.|{Suspect_name} was charged with attempted murder in the {date} shooting of "
        "{victim_name} in {town}.|The man wounded in the {date} shooting on {street} has been "
        "identified as {victim_name}, {victim_age}, police said.",
    ),
    "robbery": (
        "Armed robbery at {business} in {town}|Police seek suspect in {town} robbery|"
        "{business_cap} robbed at gunpoint on {street}",
        "A man robbed {business} on {street} in {town} at gunpoint {time} {weekday}, police "
        "said.|Police in {town} are looking for a suspect who robbed {business} in the "
        "{block} {weekday}.|{business_cap} on {street} was robbed {weekday} {time}, the {agency} "
        "said.",
        "The suspect showed a handgun and demanded cash from the clerk.|"
        "He left with about {amount} and fled on foot toward {street2}.|"
        "No one was injured.|The suspect was described as a man in his 20s wearing a dark "
        "hooded sweatshirt and a face mask.",
        "Police have arrested {suspect} in connection with the {date} robbery of {business} on "
        "{street} in {town}.|{Suspect_name} appeared in court {weekday} on armed robbery "
        "charges in the {date} holdup in {town}.|A {town} man has been charged in the {date} "
        "robbery of {business} on {street}, police said.",
    ),
    "crash": (
        "{Victim} killed in crash on {street} in {town}|Fatal crash closes {street} in {town}|"
        "One dead after {town} crash",
        "{A_victim} died after a crash on {street} in {town} {time} {weekday}, police said.|"
        "A two-vehicle crash on {street} in {town} killed {a_victim} {weekday}.|"
        "{A_victim} was killed when a {vehicle} struck {victim_pronoun} car on {street} "
        "{weekday}.",
        "The driver of the {vehicle} was taken to {hospital} with {condition} injuries.|"
        "{street} was closed for several hours while the crash was investigated.|"
        "Police said speed may have been a factor.|It was not clear whether anyone was wearing "
        "a seat belt.",
        "The driver in the {date} crash that killed {victim_name} on {street} in {town} has been "
        "charged, police said.|{Suspect_name} was charged with vehicular homicide in the {date} "
        "crash on {street}.|Police have released the name of the {victim_age}-year-old killed in "
        "the {date} crash in {town}: {victim_name}.",
    ),
    "burglary": (
        "Burglary suspect sought in {town}|Homes broken into on {street} in {town}|"
        "{town} police investigate string of break-ins",
        "Police in {town} are investigating a burglary at a home in the {block} {weekday}.|"
        "Someone broke into a home on {street} in {town} {time} {weekday}, police said.|"
        "A {town} family returned home {weekday} to find their house on {street} ransacked.",
        "Jewelry, electronics and about {amount} in cash were taken.|"
        "The burglar got in through a back window, police said.|"
        "A neighbor reported seeing a {vehicle} parked outside the home.|"
        "No one was home at the time.",
        "Police have arrested {suspect} in the {date} burglary of a home on {street} in "
        "{town}.|{Suspect_name} was charged with burglary and theft in the {date} break-in on "
        "{street}.|Some of the items stolen in the {date} burglary on {street} in {town} have "
        "been recovered, police said.",
    ),
    "stabbing": (
        "{Victim} stabbed in {town}|Police investigate stabbing on {street}|"
        "Stabbing on {street} in {town} sends one to hospital",
        "{A_victim} was stabbed during a fight on {street} in {town} {time} {weekday}, police "
        "said.|Police in {town} are investigating a stabbing in the {block} {weekday}.|"
        "{A_victim} was hospitalized after being stabbed outside {business} on {street}.",
        "The victim was taken to {hospital} in {condition} condition.|Police said the two men "
        "knew each other.|The suspect ran from the scene before officers arrived.|"
        "A knife was recovered near the scene.",
        "Police have arrested {suspect} in connection with the {date} stabbing on {street} in "
        "{town}.|{Suspect_name} was charged with aggravated assault in the {date} stabbing of "
        "{victim_name}.|The victim of the {date} stabbing in {town} has been identified as "
        "{victim_name}, {victim_age}.",
    ),
    "fire": (
        "House fire on {street} in {town}|Fire damages {town} home|{Victim} hurt in {town} fire",
        "Fire crews were called to a house fire on {street} in {town} {time} {weekday}.|"
        "A fire badly damaged a home in the {block} {weekday}, the {town} Fire Department said.|"
        "{A_victim} was hurt when fire broke out in a home on {street} in {town} {weekday}.",
        "Flames were coming through the roof when firefighters arrived.|"
        "{A_victim} was taken to {hospital} for smoke inhalation.|"
        "The cause of the fire is under investigation.|The Red Cross is helping the family.",
        "Investigators say the {date} fire on {street} in {town} was set on purpose.|"
        "{Suspect_name} was charged with arson in the {date} fire at a home on {street}.|"
        "The {town} family whose home burned on {date} is asking for help, {spokes} said.",
    ),
}
_HOSPITALS = (
    "{town} General Hospital", "St. Mary's Medical Center", "Regional Medical Center",
    "Memorial Hospital",
)
_GENERIC = (
    "Officers from the {agency} responded to the {block} {time}, according to a news release.",
    "Police said the investigation is ongoing.",
    "{spokes_cap} said detectives are reviewing surveillance video from nearby homes and "
    "businesses.",
    "No other details were immediately released.",
    "It was not immediately clear whether the incident was connected to any others in the area.",
    "Investigators remained at the scene for several hours.",
    "No arrests had been made as of {weekday} evening.",
)
_CLOSING = (
    "Anyone with information is asked to call the {agency} at {phone}.",
    "Tips can be left anonymously with {town} Crime Stoppers at {phone}.",
)

#: Site chrome a failed extraction leaves: ``{site}``, ``{year}`` and ``{ref}`` are filled in.
SITE_TEMPLATES = (
    "Get email notifications on {site} daily!\nYour notification has been saved.\nThere was a "
    "problem saving your notification.\nWhenever {site} posts new content, you'll get an email "
    "delivered to your inbox with a link.\nEmail notifications are only sent once a day, and "
    "only if there are new matching items.\nManage followed notifications\nPlease log in to use "
    "this feature\nPlease check your inbox for a verification email and click the link to "
    "activate your account.\n\u00a9 {year} {site}. All rights reserved.",
    "We use cookies and similar technologies to improve your experience on {site}.\nBy "
    "continuing to browse you agree to our use of cookies and our privacy policy.\nPlease verify "
    "you are a human\nPress and hold the button to confirm you are a human (and not a bot).\n"
    "Access to this page has been denied because we believe you are using automation tools.\n"
    "Reference ID {ref}\nSubscribe to our newsletter to get the day's top local stories.\n"
    "\u00a9 {year} {site}. All rights reserved.",
)
_SITE_FOOTER = (
    "Copyright {year} {site}. All rights reserved. This material may not be "
    "published, broadcast, rewritten, or redistributed."
)


def site_names(count: int) -> tuple[str, ...]:
    """The crawl's station domains.

    >>> site_names(2)
    ('channel7-news.example', 'kxtv-local.example')
    """
    return tuple(f"{word}.example" for word in _SITE_WORDS[:count])


class _Incident:
    """The facts of one incident, fixed once so that every write-up tells the same ones."""

    def __init__(
        self,
        number: int,
        kind: str,
        town: str,
        when: dt.datetime,
        chooser: random.Random,
        agencies: dict[str, tuple[str, str]],
    ) -> None:
        self.number, self.kind, self.town, self.when = number, kind, town, when
        victim_first, suspect_first = chooser.sample(_FIRST, 2)
        female = victim_first in _FIRST[20:]
        victim_age, suspect_age = chooser.randint(17, 79), chooser.randint(18, 55)
        person = "woman" if female else "man"
        street, street2 = chooser.sample(_STREETS, 2)
        business = chooser.choice(_BUSINESSES)
        spokes, phone = agencies[town]
        self.slots = {
            "town": town,
            "street": street,
            "street2": street2,
            "block": f"{chooser.randint(1, 49) * 100} block of {street}",
            "time": chooser.choice(_TIMES),
            "weekday": _WEEKDAYS[when.weekday()],
            "date": f"{when:%B} {when.day}",
            "vehicle": chooser.choice(_VEHICLES),
            "business": business,
            "business_cap": business[0].upper() + business[1:],
            "amount": f"${chooser.randint(2, 90) * 100:,}",
            "hospital": chooser.choice(_HOSPITALS).format(town=town),
            "condition": chooser.choice(("critical", "stable", "serious", "fair")),
            "a_victim": f"a {victim_age}-year-old {person}",
            "A_victim": f"A {victim_age}-year-old {person}",
            "victim": f"{person}, {victim_age},",
            "Victim": f"{person.title()}, {victim_age},",
            "victim_pronoun": "her" if female else "his",
            "victim_age": str(victim_age),
            "victim_name": f"{victim_first} {chooser.choice(_LAST)}",
            "suspect": f"{suspect_first} {chooser.choice(_LAST)}, {suspect_age}, of "
            f"{chooser.choice(_TOWNS)}",
            "agency": f"{town} Police Department",
            "spokes": spokes,
            "spokes_cap": spokes[0].upper() + spokes[1:],
            "phone": phone,
        }
        self.slots["Suspect_name"] = self.slots["suspect"].split(",")[0]

    def fill(self, template: str) -> str:
        return template.format(**self.slots)

    def write(self, chooser: random.Random, follow_up: bool) -> tuple[str, str]:
        """``(title, text)`` of one write-up (or follow-up): stock sentences, own choices."""
        titles, leads, details, follow_leads = (part.split("|") for part in _KINDS[self.kind])
        sentences = [chooser.choice(follow_leads if follow_up else leads)]
        if follow_up:
            sentences.append(chooser.choice(leads).replace(" {weekday}", " on {date}"))
        sentences += chooser.sample(details, chooser.randint(2, len(details)))
        sentences += chooser.sample(_GENERIC, chooser.randint(1, 3))
        if chooser.random() < 0.7:
            sentences.append(chooser.choice(_CLOSING))
        paragraphs, at = [], 0
        while at < len(sentences):
            size = 1 if at == 0 else chooser.choice((1, 1, 2))
            paragraphs.append(" ".join(self.fill(s) for s in sentences[at : at + size]))
            at += size
        title = self.fill(chooser.choice(titles))
        if follow_up:
            title = chooser.choice(("Arrest made: ", "Update: ", "Police: ", "")) + title
        return title[0].upper() + title[1:], "\n\n".join(paragraphs)


def incident_crawl(
    n_incidents: int,
    seed: int = 0,
    *,
    n_sites: int = 6,
    template_rate: float = 0.05,
    follow_up_rate: float = 0.2,
    copy_rate: float = 0.05,
    nearby_rate: float = 0.15,
    footer_rate: float = 0.3,
    years: float = 4.0,
    writeup_weights: Sequence[float] = (0.58, 0.25, 0.12, 0.05),
    start: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
) -> MessyCorpus:
    """A labelled crawl of look-alike incident reports (module docstring).

    ``template_rate`` of the write-ups are site-template pages; ``follow_up_rate`` of the
    incidents get one or two follow-ups 7-42 days later; ``copy_rate`` of the write-ups get a
    sister station's verbatim copy; ``nearby_rate`` of the incidents happen 1-5 days after an
    earlier incident of the same kind in the same town; ``footer_rate`` of the pages end in
    their station's copyright line; dates spread over ``years``.
    """
    chooser = random.Random(f"incident-crawl:{seed}")
    sites = site_names(n_sites)
    towns = list(_TOWNS)
    coverage = {
        town: chooser.sample(sites, min(len(sites), chooser.randint(2, 3))) for town in towns
    }
    agencies = {
        town: (
            f"{chooser.choice(('Sgt.', 'Lt.', 'Officer', 'Capt.'))} "
            f"{chooser.choice(_FIRST)} {chooser.choice(_LAST)}",
            f"(555) {chooser.randint(100, 999)}-{chooser.randint(1000, 9999)}",
        )
        for town in towns
    }
    articles: list[tuple[Article, ArticleLabels]] = []
    incidents: list[_Incident] = []
    for number in range(n_incidents):
        if incidents and chooser.random() < nearby_rate:
            earlier = chooser.choice(incidents[-50:])
            kind, town = earlier.kind, earlier.town
            when = earlier.when + dt.timedelta(days=chooser.uniform(1, 5))
        else:
            kind, town = chooser.choice(sorted(_KINDS)), chooser.choice(towns)
            when = start + dt.timedelta(days=chooser.uniform(0, 365 * years))
        incident = _Incident(number, kind, town, when, chooser, agencies)
        incidents.append(incident)
        story = f"incident:{number}"
        n_writeups = chooser.choices(range(1, len(writeup_weights) + 1), writeup_weights)[0]
        plans = [
            (site, False, when + dt.timedelta(hours=chooser.uniform(1, 36)))
            for site in chooser.sample(coverage[town], min(n_writeups, len(coverage[town])))
        ]
        if chooser.random() < follow_up_rate:
            plans += [
                (
                    chooser.choice(coverage[town]),
                    True,
                    when + dt.timedelta(days=chooser.uniform(7, 42)),
                )
                for _ in range(chooser.randint(1, 2))
            ]
        first_id = ""
        written: list[set[tuple[str, ...]]] = []
        for number_in, (site, follow_up, published) in enumerate(plans):
            article_id = f"inc{number:05d}-{number_in}"
            # Write-ups of one incident are told apart: no two share half their 5-grams, so
            # the gold (different articles) is not in doubt.
            for _ in range(8):
                title, text = incident.write(chooser, follow_up)
                shingles = _shingles(text)
                if all(
                    len(shingles & other) < 0.5 * min(len(shingles), len(other))
                    for other in written
                ):
                    break
            written.append(shingles)
            year = published.year
            if chooser.random() < footer_rate:
                text += "\n\n" + _SITE_FOOTER.format(year=year, site=site)
            kind_label = "follow-up" if follow_up else "original"
            if chooser.random() < template_rate:
                # A site's failed pages all show its one template (a year or id differs).
                template = SITE_TEMPLATES[sites.index(site) % len(SITE_TEMPLATES)]
                text = template.format(site=site, year=year, ref=f"{chooser.getrandbits(48):012x}")
                kind_label = "template"
            first_id = first_id or article_id
            article = Article(
                id=article_id,
                text=text,
                title=title,
                source=site,
                url=f"https://{site}/news/{article_id}",
                published=published,
            )
            labels = ArticleLabels(
                article_id,
                f"g:{article_id}",
                story,
                article_id,
                kind_label,
                derived_from="" if article_id == first_id else first_id,
            )
            articles.append((article, labels))
            if kind_label != "template" and chooser.random() < copy_rate:
                sister = chooser.choice([s for s in sites if s != site])
                copy_id = f"{article_id}-copy"
                articles.append(
                    (
                        Article(
                            id=copy_id,
                            text=text,
                            title=title,
                            source=sister,
                            url=f"https://{sister}/news/{copy_id}",
                            published=published + dt.timedelta(hours=chooser.uniform(1, 12)),
                        ),
                        ArticleLabels(
                            copy_id,
                            labels.group,
                            story,
                            article_id,
                            "copy",
                            derived_from=article_id,
                        ),
                    )
                )
    return _corpus("incident-crawl", articles)
