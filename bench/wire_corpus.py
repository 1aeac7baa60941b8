"""A synthetic wire corpus with known duplicate clusters, for the dedup benchmark.

Every item is a ninjs 2.x object (the shape of ``samples.synthetic.render_ninjs``,
one JSON Lines record each) and has a row in a *truth* frame saying which
cluster a wire editor would fold it into and why. Kinds, as shares of all
items:

==============  =====  ============================================================
kind            share  what it is
==============  =====  ============================================================
original         ~49%  a fresh story, 150-700 words
exact             8%   the same headline and body, another guid, delivered by another
                       feed of the agency or by a redistributor (other provider)
version           8%   same guid and provider, ``version`` 2, 3 ..., later
                       ``versioncreated``, 1-3 paragraphs appended, ``UPDATE n-``
near_edit         6%   1-10% of the body's words substituted, deleted or inserted
near_append       4%   1-3 paragraphs appended under ``UPDATE n-``, new guid
near_trim         4%   the tail cut by 5-30% of the words, new guid
near_prefix       3%   only the headline prefix changed (``REFILE-``, ``CORRECTED-``,
                       ``UPDATE 2-``), new guid
lookalike        12%   market-close, sports-result and earnings stories filled into
                       shared sentence skeletons: each is its own cluster
template          6%   hard look-alikes: instances of one form (results, market close,
                       dividend, sports, weather, "10 things to know") that differ in
                       1-6% of their words (subject, figures, names, tickers, dateline
                       city and date, reporter); 5-shingle Jaccard up to ~0.9. Each is
                       its own cluster and may be copied like an original
                       (``--template-share``, ``--templates``)
==============  =====  ============================================================

A derived item (every kind but ``original``, ``lookalike`` and ``template``) copies
one original or template instance and shares its ``cluster_id``; its ``parent`` is
that item's index. A cluster holds exactly one original or instance.

Joining the truth to the pipeline: items are written in time order, one per
line, no blank lines, so the ninjs parser's item index is the line index and
``transforms.reading.extract.extract_file(data, name)`` gives each row
``raw_uri == f"{name}#{line}"``, which is the truth's ``item_uri`` when the
file is read under its own name (``wire.jsonl`` for :func:`generate`, the
shard's file name for :func:`write_jsonl`).

Derived items follow their original by 30 s to 24 h; everything is spread
over 30 days from 2026-09-01 (``days``/``--days``: over more, e.g. 1,826 for five
years of a wire, so that a larger corpus has more dates, not denser ones; the
default corpus does not change). Exact copies under a redistributor keep the
agency's dateline, so normalization sets ``original_provider``.

The text is made up: a Zipf-weighted word bank of common English words plus
about 5,000 pseudo-words, with the story's own people, place and organisations
and numbers, so two unrelated stories share almost no 5-word shingles (and few
3-word ones), while look-alikes of one template share their fixed sentences
(5-shingle Jaccard about 0.2, at most about 0.3). Nothing is downloaded.

The corpus is a pure function of ``(n, seed)``: only the stdlib ``random``
generator is used (its algorithms are stable across Python versions), one
generator per item, so any process can make any item and a copy remakes its
original's text instead of keeping it. Words are drawn many at a time (two
random bytes index a 65,536-slot table, in C), about 12,000 items a second per
process; :func:`write_jsonl` writes shards in parallel.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import polars as pl

SHARES = {
    "exact": 0.08,
    "version": 0.08,
    "near_edit": 0.06,
    "near_append": 0.04,
    "near_trim": 0.04,
    "near_prefix": 0.03,
    "lookalike": 0.12,
    "template": 0.06,
}
KINDS = ("original", *SHARES)
DERIVED = tuple(k for k in SHARES if k not in ("lookalike", "template"))
# Kinds that are their own cluster's first item: look-alikes stand alone, a template
# instance is a story of its own that derived items may copy (as they copy originals).
STANDALONE = ("lookalike", "template")
NEAR = ("near_edit", "near_append", "near_trim", "near_prefix")

DAYS = 30
START = 1_788_220_800  # 2026-09-01T00:00:00Z
# Seconds after the original at which a derived item goes out: (min, max).
DELAY = {
    "exact": (30, 1800),          # the same copy on another feed, within half an hour
    "version": (600, 6 * 3600),   # writethrus during the day
    "near_edit": (300, 12 * 3600),
    "near_append": (900, 12 * 3600),
    "near_trim": (300, 6 * 3600),
    "near_prefix": (120, 24 * 3600),
}

# (copyrightholder as written, dateline agency, guid domain, share of originals)
AGENCIES = (
    ("Reuters", "Reuters", "reuters.com", 0.30),
    ("The Associated Press", "AP", "ap.org", 0.25),
    ("AFP", "AFP", "afp.com", 0.15),
    ("dpa", "dpa", "dpa.com", 0.10),
    ("AAP", "AAP", "aap.com.au", 0.10),
    ("Bloomberg", "Bloomberg", "bloomberg.com", 0.10),
)
# Feeds that redistribute agency copy unchanged (exact copies under another provider).
REDISTRIBUTORS = (("Yahoo News", "yahoo.com"), ("MSN", "msn.com"), ("NewsNow", "newsnow.co.uk"))
STATUS_PREFIXES = ("REFILE-", "CORRECTED-", "UPDATE 2-")

TRUTH_SCHEMA = pl.Schema({
    "item": pl.Int64,          # position in the whole corpus (time order)
    "file": pl.String,         # JSONL file the item is in
    "line": pl.Int64,          # line index in that file = the parser's item index
    "item_uri": pl.String,     # f"{file}#{line}": the pipeline's raw_uri
    "cluster_id": pl.Int64,    # items a wire editor folds together share it
    "kind": pl.String,         # one of KINDS
    "parent": pl.Int64,        # item index of the original (null for originals, look-alikes)
    "provider": pl.String,     # copyrightholder as written
    "guid": pl.String,
    "version": pl.Int32,
    "version_created": pl.Datetime("us", "UTC"),
    "detail": pl.String,       # template family, edit/trim fraction, prefix ...
    "template": pl.Int64,      # template of an instance or of the instance copied (null otherwise)
})

# --------------------------------------------------------------------------------------
# Word bank
# --------------------------------------------------------------------------------------

def _word_list(text: str) -> tuple[str, ...]:
    """The distinct whitespace-separated words of ``text``, in order."""
    return tuple(dict.fromkeys(text.split()))


# Common English words, most frequent first (their weight falls with the rank).
FUNCTION_WORDS = _word_list("""the of and to a in that for on is was said with as by at from it has its
have be were are will which after an their not but had been would this more than over about who
into they also could other some first two three new last year percent people its he she his her
we our there when up out all one can may between before while during against under since such
those these only most many much where if what because through them so then any each both
no did just about no whom very still even already again next another several own same off down
well around until without however least being made per take part yet among four five""")

NEWS_WORDS = _word_list("""government officials police minister president company market prices week month
city country state security economy group report court law talks plan deal rate rates bank
shares investors billion million growth spokesman spokeswoman agency statement election vote
party leader leaders members workers union strike trade exports imports oil gas energy power
water health hospital school students children families residents border military troops
attack forces fighting ceasefire crisis conflict peace support funding budget tax taxes
spending debt inflation interest central analysts forecast quarter profit revenue sales demand
supply costs jobs unemployment wages industry sector firms companies business chief executive
board director committee council parliament senate congress judge ruling case charges trial
investigation inquiry evidence witnesses victims storm flood fire earthquake weather rain
emergency rescue damage roads bridge airport flights train rail transport ships port vessels
coast island region province capital district village town area local national international
foreign domestic public private official former senior deputy new major key top largest
expected announced reported confirmed denied warned agreed rejected approved launched
proposed signed raised cut increased fell rose dropped gained lost won led called told
asked added noted showed found held left took gave made came went began ended continued
remained seen considered allowed needed planned decided expected early late recent current
further higher lower strong weak record data figures survey study research program project
system network service services technology software data internet online digital phone
plans measures rules policy policies reform reforms changes action steps efforts move
decision review proposal agreement contract talks meeting summit visit tour season match
team players coach club league title championship final game games cup race""")

FIRST_NAMES = _word_list("""Ana Ben Chen Dora Emil Farah Goran Hana Ivan Julia Kofi Lena Marco Nadia Omar
Priya Quentin Rosa Samir Tomas Uma Viktor Wen Xavier Yara Zoltan Amira Bruno Carla Dmitri
Elena Felipe Greta Hiroshi Ines Jonas Kenji Laila Mateo Nora Oskar Paula Rafael Sofia Tariq
Ursula Vera William Yusuf Zara José Björn Chloé Søren Łukasz Renée Ahmed Ingrid Pablo Mei""")
LAST_NAMES = _word_list("""Lopez Okafor Wei Novak Berg Haddad Ilic Sato Petrov Costa Mensah Fischer Rossi
Karimi Nakamura Silva Dubois Johansson Kowalski Nguyen Haas Moreau Schmidt Tanaka Rahman
Andersen Varga Mendes Horvat Lindqvist Ortega Kaya Brennan Walsh Park Kim Singh Patel Khan
Murphy Jensen Novotny Greco Santos Alves Müller Ødegaard Núñez Yilmaz Osei Banda Moyo Eriksen
Larsen Dahl Virtanen Korhonen Popescu Ionescu Dimitrov Papadopoulos Cohen Levi Abbas Farouk
Mwangi Otieno Adeyemi Chukwu Reyes Cruz Flores Rivera Torres Ramos Castillo Vargas Romero""")
PLACES = _word_list("""LONDON PARIS BERLIN TOKYO NAIROBI SYDNEY MADRID TORONTO SEOUL CAIRO LIMA ROME
WASHINGTON BRUSSELS GENEVA ZURICH VIENNA WARSAW PRAGUE BUDAPEST ATHENS ISTANBUL ANKARA MOSCOW
KYIV BEIJING SHANGHAI SINGAPORE JAKARTA MANILA BANGKOK HANOI MUMBAI DELHI KARACHI DHAKA DUBAI
RIYADH DOHA TEHRAN BAGHDAD BEIRUT JERUSALEM AMMAN LAGOS ACCRA DAKAR JOHANNESBURG KINSHASA
ADDIS MEXICO BOGOTA CARACAS SANTIAGO BRASILIA CHICAGO BOSTON MIAMI HOUSTON DENVER SEATTLE
OTTAWA MONTREAL VANCOUVER MELBOURNE AUCKLAND WELLINGTON OSLO STOCKHOLM HELSINKI COPENHAGEN
DUBLIN EDINBURGH LISBON BARCELONA MILAN MUNICH HAMBURG FRANKFURT AMSTERDAM ROTTERDAM""")
ORG_SUFFIXES = ("Holdings", "Group", "Bank", "Energy", "Motors", "Airlines", "Pharma",
                "Telecom", "Mining", "Foods", "Logistics", "Insurance", "Capital", "Systems")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ONSETS = _word_list("b br c ch cl d dr f fl fr g gl gr h j k kl l m n p pl pr qu r s sc sh sl sp st "
                     "t th tr v w z")
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "io", "ie")
_CODAS = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "rk", "x"]
_SUFFIXES = ["", "", "", "", "ing", "ed", "er", "ion", "ment", "al", "ity", "ous", "s", "ly"]

TABLE_BITS = 16  # words are drawn with two random bytes each
# Sentence breaks are tokens of the table (". The", ". Officials"), so sentences
# need no Python loop of their own: a paragraph is one join, a body one replace.
STARTERS = _word_list("""The A In On It He She They But After Officials Police Analysts The government
Its This That Some Many According to While Last year Earlier Meanwhile Both Under Since""")
# The people, place and organisations a story keeps coming back to: about one
# word in 25 is one of them.
ENTITY_EVERY = 25


@dataclass(frozen=True)
class Bank:
    table: tuple[str, ...]   # 65,536 slots, each word repeated by its weight
    pseudo: tuple[str, ...]  # the pseudo-words (edits substitute these)
    orgs: tuple[str, ...]
    numbers: tuple[str, ...]


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        syl = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((1, 2, 2, 3))))
        word = syl + rng.choice(_CODAS) + rng.choice(_SUFFIXES)
        if 4 <= len(word) <= 13:
            seen.setdefault(word, None)
    return list(seen)


def _number(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(2, 99))
    if r < 0.5:
        return f"{rng.randint(1, 99)}.{rng.randint(0, 9)} percent"
    if r < 0.7:
        return f"{rng.randint(100, 99999):,}"
    if r < 0.85:
        return f"${rng.randint(1, 999)}.{rng.randint(0, 9)} {rng.choice(('million', 'billion'))}"
    return str(rng.randint(1990, 2026))


def _zipf_slots(words: tuple[str, ...] | list[str], slots: int, offset: int = 1) -> list[str]:
    """``slots`` entries of ``words``, each repeated in proportion to 1/(rank+offset), at least once
    (the rarest words are left out when ``slots`` runs short)."""
    weights = [1.0 / (r + offset) for r in range(len(words))]
    total = sum(weights)
    out: list[str] = []
    for w, weight in zip(words, weights, strict=True):
        out.extend([w] * max(1, round(weight / total * slots)))
    return out[:slots]


@cache
def bank() -> Bank:
    """The word bank (built once, from a fixed seed: the same on every machine)."""
    rng = random.Random(20260901)
    pseudo = _pseudo_words(rng, 8000)
    orgs = [f"{w.capitalize()} {rng.choice(ORG_SUFFIXES)}" for w in _pseudo_words(rng, 600)]
    orgs += ["AT&T", "Procter & Gamble", "Johnson & Johnson", "Marks & Spencer"]
    numbers = [_number(rng) for _ in range(3000)]
    size = 1 << TABLE_BITS
    # Shares of the 65,536 slots: function words 42%, news words 23%, numbers 4%,
    # sentence breaks 5% (sentences of ~20 words), pseudo-words the rest (~26%).
    starters = [*STARTERS, *(w.capitalize() for w in NEWS_WORDS[:60])]
    table = _zipf_slots(FUNCTION_WORDS, int(size * 0.42))
    table += _zipf_slots(NEWS_WORDS, int(size * 0.23), offset=10)
    table += [numbers[i % len(numbers)] for i in range(int(size * 0.04))]
    table += [f". {starters[i % len(starters)]}" for i in range(int(size * 0.05))]
    table += _zipf_slots(pseudo, size - len(table), offset=20)
    rng.shuffle(table)
    return Bank(tuple(table), tuple(pseudo), tuple(orgs), tuple(numbers))


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------

@dataclass
class Text:
    headline: str
    paragraphs: list[str]
    byline: str


class Entities(NamedTuple):
    """Who and what a story is about; its copies and updates keep them."""

    people: tuple[str, str]
    place: str
    orgs: tuple[str, str]
    day: str

    @property
    def mentions(self) -> tuple[str, ...]:
        # The lead person and organisation come up more often.
        return (*self.people, self.people[0], self.place, *self.orgs, self.orgs[0], self.day)


def _draw(rng: random.Random, k: int) -> tuple[str, ...]:
    """``k`` tokens of the table (two random bytes each, indexed in C)."""
    return itemgetter(*array("H", rng.randbytes(2 * max(k, 2))))(bank().table)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _paragraphs(rng: random.Random, n_words: int, entities: Entities) -> list[str]:
    """About ``n_words`` words in paragraphs of 20-69 words, with the story's entities."""
    words = list(_draw(rng, n_words))
    n = len(words)
    mentions = entities.mentions
    spots = rng.randbytes(3 * (n // ENTITY_EVERY) + 64)
    for k in range(0, 3 * (n // ENTITY_EVERY), 3):
        words[(spots[k] << 8 | spots[k + 1]) % n] = mentions[spots[k + 2] % len(mentions)]
    paragraphs = []
    start, k = 0, 3 * (n // ENTITY_EVERY)
    while start < n:
        stop = min(n, start + 20 + spots[k % len(spots)] % 50)
        k += 1
        p = " ".join(words[start:stop]).replace(" .", ".").lstrip(". ")
        if p:
            if p[-1] != ".":
                p += "."
            paragraphs.append(p[0].upper() + p[1:])
        start = stop
    return paragraphs


def _entities(rng: random.Random) -> Entities:
    # One call for all the random bytes: cheaper than a choice() each.
    r = rng.randbytes(10)
    orgs = bank().orgs
    first, last, nf, nl = FIRST_NAMES, LAST_NAMES, len(FIRST_NAMES), len(LAST_NAMES)
    return Entities(
        people=(f"{first[r[0] % nf]} {last[r[1] % nl]}", f"{first[r[2] % nf]} {last[r[3] % nl]}"),
        place=PLACES[r[4] % len(PLACES)].title(),
        orgs=(orgs[(r[5] << 8 | r[6]) % len(orgs)], orgs[(r[7] << 8 | r[8]) % len(orgs)]),
        day=f"on {WEEKDAYS[r[9] % 7]}",
    )


def _story_text(rng: random.Random, agency: str) -> tuple[Text, Entities]:
    entities = _entities(rng)
    body = _paragraphs(rng, 150 + (rng.getrandbits(16) * 551 >> 16), entities)
    body[0] = f"{PLACES[rng.getrandbits(16) % len(PLACES)]} ({agency}) - {body[0]}"
    head = " ".join(w for w in _draw(rng, 6) if w[0] != ".")
    # Led by a name, never a digit: "UPDATE 1-" is only split off a headline proper
    # that starts with a letter (transforms/normalizing/headline.py).
    if rng.getrandbits(1):
        headline = f"{entities.orgs[0]} {head} in {entities.place}"
    else:
        headline = f"{entities.people[0].split()[-1]} {head} as {entities.orgs[1]}"
    return Text(headline, body, f"By {_person(rng)}"), entities


def _more_paragraphs(rng: random.Random, entities: Entities) -> list[str]:
    """1-3 new paragraphs about the same people and places (an update's added copy)."""
    return _paragraphs(rng, rng.randint(40, 150), entities)


def _edit(rng: random.Random, paragraphs: list[str], fraction: float) -> list[str]:
    """Substitute, delete or insert ``fraction`` of the words (never the dateline's)."""
    pseudo, numbers = bank().pseudo, bank().numbers
    split = [p.split(" ") for p in paragraphs]
    # the dateline ("LONDON (Reuters) -", "LONDON, Sept 3 (Reuters) -") and the word after it stay
    dash = split[0].index("-") if "-" in split[0][:6] else 2
    positions = [(i, j) for i, words in enumerate(split) for j in range(len(words)) if i or j > dash + 1]
    k = max(1, round(fraction * len(positions)))
    for i, j in sorted(rng.sample(positions, k), reverse=True):
        op = rng.random()
        if op < 0.6:
            split[i][j] = rng.choice(numbers) if split[i][j][:1].isdigit() else rng.choice(pseudo)
        elif op < 0.8 and len(split[i]) > 1:
            del split[i][j]
        else:
            split[i].insert(j, rng.choice(pseudo))
    return [" ".join(words) for words in split]


def _trim(paragraphs: list[str], fraction: float) -> list[str]:
    """Cut the last ``fraction`` of the words, ending the cut paragraph with a full stop."""
    total = sum(p.count(" ") + 1 for p in paragraphs)
    keep = max(10, round(total * (1 - fraction)))
    out = []
    for p in paragraphs:
        words = p.split(" ")
        if len(words) <= keep:
            out.append(p)
            keep -= len(words)
            if keep == 0:
                break
            continue
        out.append(" ".join(words[:keep]).rstrip(".,") + ".")
        break
    return out


# --------------------------------------------------------------------------------------
# Look-alikes: templated stories that share a skeleton, never duplicates of each other
# --------------------------------------------------------------------------------------

INDICES = ("S&P 500", "Nasdaq Composite", "Dow Jones Industrial Average", "FTSE 100", "DAX",
           "CAC 40", "Nikkei 225", "Hang Seng", "ASX 200", "TSX composite index")
SECTORS = ("technology", "energy", "financial", "healthcare", "industrial", "utilities",
           "materials", "consumer staples", "real estate", "communication services")
TEAMS = tuple(f"{c.title()} {s}" for c in PLACES[:60] for s in ("United", "City", "Rovers", "FC"))
LEAGUES = ("Premier League", "Bundesliga", "Serie A", "La Liga", "Ligue 1", "A-League",
           "Eredivisie", "MLS", "J1 League", "Super Lig")
QUARTERS = ("first-quarter", "second-quarter", "third-quarter", "fourth-quarter")

# Each template: headline variants, then sentences (each with variants) in order;
# every sentence is kept with probability 0.9, so skeletons vary a little. The fixed
# sentences (data notices, disclaimers) are what such stories really share.
TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "market_close": (
        ("{index} closes {dir} {pct}% as {sector} stocks {move}",
         "Stocks {dir} for {nth} session; {index} {updown} {pct}%"),
        (("The {index} {rose} {pts} points, or {pct} percent, to {level}, while the {index2} {rose2} "
          "{pct2} percent to {level2}.",
          "The {index} ended {updown} {pct} percent at {level} after swinging between gains and losses, "
          "and the {index2} {rose2} {pct2} percent to {level2}."),
         ("Market participants said thin trading volumes and a heavy calendar of economic releases had "
          "kept investors cautious for most of the session.",),
         ("Trading volume on {exchange} was {vol} billion shares, compared with the 20-day average of "
          "{vol2} billion shares.",),
         ("{Sector} stocks led the gains, with {company} up {pct3} percent after {firm} raised its price "
          "target to ${price}.",
          "Shares of {company} jumped {pct3} percent, lifting the {sector} sector, after {firm} raised its "
          "price target to ${price}."),
         ("Shares of {company2} {rose3} {pct4} percent after the company reported {quarter} results that "
          "{beat} analysts' estimates.",),
         ("The benchmark 10-year Treasury yield {rose4} to {yld} percent from {yld2} percent late on "
          "{weekday}.",),
         ("Oil prices {rose5}, with Brent crude settling at ${oil} a barrel, {ud2} {pct5} percent.",),
         ("The dollar index, which measures the greenback against a basket of six major currencies, was "
          "{ud3} {pct6} percent at {dxy}.",),
         ("Advancing issues outnumbered declining ones on the {exchange} by a {ratio}-to-1 ratio.",
          "Declining issues outnumbered advancing ones on the {exchange} by a {ratio}-to-1 ratio."),
         ("The {index} posted {nhigh} new 52-week highs and {nlow} new lows, while the {index2} recorded "
          "{nhigh2} new highs and {nlow2} new lows.",),
         ("Investors are awaiting {release} data due on {weekday2}, which could shape expectations for the "
          "{cb}'s next policy meeting.",),
         ("{person}, chief market strategist at {firm2}, said investors remained focused on {theme}.",
          "\"Investors remain focused on {theme},\" said {person}, chief market strategist at {firm2}."),
         ("Of the 11 major {index} sectors, {nup} ended higher, with {sector2} gaining the most, up "
          "{pct7} percent.",),
         ("Gold {rose6} {pct8} percent to ${gold} an ounce.",),
         ("{company3} fell {pct9} percent after it cut its full-year forecast, citing weaker demand in "
          "{region}.",),
         ("Year to date, the {index} is {ud4} {ytd} percent.",),
         ("Closing levels are provisional and subject to revision after the official close of trading, "
          "and index data is supplied by the respective index providers.",),
         ("Stock market data in this report are provided by the exchanges and may be delayed by at least "
          "15 minutes; for a table of the day's most active stocks, see the markets page.",)),
    ),
    "sports_result": (
        ("{home} beat {away} {s1}-{s2} in {league}",
         "{player} scores {times} as {home} down {away} {s1}-{s2}"),
        (("{home} beat {away} {s1}-{s2} in the {league} on {weekday}, with {player} scoring {times} to "
          "lift the side to {pos} in the table.",
          "{player} scored {times} as {home} beat {away} {s1}-{s2} in the {league} on {weekday}, moving "
          "the club up to {pos} in the standings."),
         ("{player} opened the scoring in the {m1}th minute, turning in a cross from {player2} at the far "
          "post.",),
         ("{away} equalised through {player3} shortly before half-time, but {home} restored their lead "
          "in the {m2}th minute.",
          "{away} drew level through {player3} before the break, only for {home} to go ahead again in "
          "the {m2}th minute."),
         ("The home side pressed high from the start and created the better chances in an open first half "
          "played in heavy rain.",),
         ("{player2} added a late goal in the {m3}th minute to seal the win in front of a crowd of "
          "{crowd} at {venue}.",),
         ("{home} coach {coach} said after the match that his side had shown great character.",
          "\"We showed great character today,\" {home} coach {coach} told reporters after the match."),
         ("{away} had {poss} percent of possession and {shots} shots, {ontarget} of them on target, but "
          "could not find a second goal.",),
         ("The defeat left {away} in {pos2} place with {lpts} points from {games} games.",),
         ("{home} have now won {wins} of their last {last} league matches and are {gap} points behind "
          "leaders {leader}.",),
         ("{player4} was booked in the {m4}th minute for a late challenge on {player}.",
          "Referee {ref} showed {cards} yellow cards in a bad-tempered second half."),
         ("{home} travel to {next} next {weekday2}, while {away} host {next2} on {weekday3}.",),
         ("It was the first time {home} had beaten {away} at home since {year}.",),
         ("{player} has now scored {goals} goals in all competitions this season.",),
         ("This report was compiled from official match data supplied by the league; all statistics are "
          "provisional and may be revised after review by the match officials.",),
         ("Line-ups, substitutions and disciplinary records are available on the league's official "
          "website, and kick-off times for the next round will be confirmed later this week.",)),
    ),
    "earnings": (
        ("{company} {quarter} profit {rises} {pct}% on {driver}",
         "{company} beats estimates as {quarter} revenue {rises} {pct2}%"),
        (("{company} on {weekday} reported {quarter} net income of ${ni} million, or {eps} cents per "
          "share, compared with ${ni2} million, or {eps2} cents per share, a year earlier.",),
         ("Revenue {rose} {pct2} percent to ${rev} billion, {beat} the average analyst estimate of "
          "${est} billion, according to {provider} data.",
          "Revenue came in at ${rev} billion, up {pct2} percent from a year earlier, and {beat} the "
          "${est} billion analysts had expected, according to {provider} data."),
         ("Earnings figures are adjusted for one-time gains and costs, stock option expenses and asset "
          "impairment charges where the company reports them.",),
         ("Excluding one-time items, the company earned {adj} cents per share, compared with expectations "
          "of {adj2} cents.",),
         ("The {city}-based company said demand for its {product} remained strong in {region}, while "
          "sales in {region2} {rose2} {pct3} percent.",),
         ("Chief executive {person} said the company was on track to meet its targets for the year.",
          "\"We are on track to deliver on our targets for the year,\" chief executive {person} said in "
          "a statement."),
         ("{company} {raised} its full-year revenue forecast to a range of ${lo} billion to ${hi} "
          "billion.",),
         ("Gross margin {rose3} to {gm} percent from {gm2} percent in the same quarter last year.",),
         ("The company said it would buy back up to ${buyback} million of its shares over the next "
          "{months} months.",),
         ("Operating expenses {rose4} {pct4} percent to ${opex} million, driven by {driver2}.",),
         ("Shares of {company} were {updown} {pct5} percent in extended trading after closing at "
          "${close} on the {exchange}.",),
         ("The stock has {gained} {ytd} percent so far this year, compared with a {ytd2} percent gain in "
          "the {index}.",),
         ("{company} will report its {quarter2} results in {month}.",),
         ("The company will hold a conference call with analysts and investors later in the day to "
          "discuss the results and its outlook for the rest of the year.",),
         ("This story was generated automatically using data from the company's earnings release and "
          "from market data providers; access a full research report on the provider's website.",)),
    ),
}


def _pct(hi: float) -> Callable[[random.Random, dict], str]:
    return lambda r, v: f"{r.random() * hi:.2f}"


def _int(lo: int, hi: int, fmt: str = "{}") -> Callable[[random.Random, dict], str]:
    return lambda r, v: fmt.format(r.randint(lo, hi))


def _num(lo: float, hi: float, fmt: str = ",.2f") -> Callable[[random.Random, dict], str]:
    return lambda r, v: format(lo + r.random() * (hi - lo), fmt)


def _pick(pool: tuple[str, ...]) -> Callable[[random.Random, dict], str]:
    return lambda r, v: r.choice(pool)


def _distinct(pool: tuple[str, ...]) -> Callable[[random.Random, dict], str]:
    """A value of ``pool`` that no other slot of the story holds (two different teams)."""
    def make(r: random.Random, v: dict) -> str:
        taken = set(v.values())
        while (x := r.choice(pool)) in taken:
            pass
        return x
    return make


def _person_slot(r: random.Random, v: dict) -> str:
    return _person(r)


# Slot name (or its name less a trailing number: pct3 -> pct) -> how to draw its value.
_SLOT_MAKERS: dict[str, Callable[[random.Random, dict], object]] = {
    "_up": lambda r, v: r.random() < 0.5,
    "dir": lambda r, v: "higher" if v["_up"] else "lower",
    "updown": lambda r, v: "up" if v["_up"] else "down",
    "move": lambda r, v: "rally" if v["_up"] else "slide",
    "ud": _pick(("up", "down")),
    "nth": _pick(("second", "third", "fourth", "fifth")),
    "index": _distinct(INDICES), "sector": _distinct(SECTORS),
    "Sector": lambda r, v: v["sector"].capitalize(),
    "pct": _pct(9.99), "ytd": _pct(30), "pts": _num(5, 900), "level": _num(3000, 45000),
    "rose": _pick(("rose", "fell", "gained", "slipped", "climbed")),
    "exchange": _pick(("U.S. exchanges", "the NYSE", "the Nasdaq", "the London Stock Exchange")),
    "vol": _num(5, 19), "price": _int(10, 900),
    "company": lambda r, v: r.choice(bank().orgs), "firm": lambda r, v: r.choice(bank().orgs),
    "quarter": _pick(QUARTERS), "beat": _pick(("beat", "missed", "topped", "fell short of")),
    "yld": _num(1, 5, ".3f"), "oil": _num(55, 110), "dxy": _num(95, 110), "ratio": _num(1, 4, ".1f"),
    "nhigh": _int(0, 300), "nlow": _int(0, 300),
    "release": _pick(("inflation", "jobs", "retail sales", "GDP", "factory orders")),
    "weekday": _pick(WEEKDAYS),
    "cb": _pick(("Federal Reserve", "European Central Bank", "Bank of England", "Bank of Japan")),
    "person": _person_slot, "player": _person_slot, "coach": _person_slot, "ref": _person_slot,
    "theme": _pick(("interest rates", "corporate earnings", "trade tensions", "the outlook for inflation")),
    "nup": _int(1, 11), "gold": _num(1800, 3400),
    "region": _pick(("China", "Europe", "North America", "Latin America", "Southeast Asia", "Japan",
                     "India", "the Middle East", "Africa", "Australia")),
    "home": _distinct(TEAMS), "away": _distinct(TEAMS), "next": _distinct(TEAMS),
    "leader": _distinct(TEAMS), "league": _pick(LEAGUES), "s1": _int(2, 5), "s2": _int(0, 1),
    "times": _pick(("twice", "once", "a hat-trick")),
    "pos": _pick(("second", "third", "fourth", "fifth", "sixth", "ninth", "tenth", "12th", "15th")),
    "m1": _int(4, 40), "m2": _int(46, 70), "m3": _int(71, 90), "m4": _int(10, 89),
    "crowd": _int(8000, 75000, "{:,}"),
    "venue": lambda r, v: f"{r.choice(LAST_NAMES)} {r.choice(('Park', 'Stadium', 'Arena', 'Road'))}",
    "poss": _int(35, 70), "shots": _int(4, 25), "ontarget": _int(1, 9), "lpts": _int(5, 60),
    "games": _int(8, 30), "wins": _int(2, 6), "last": _int(6, 10), "gap": _int(1, 15),
    "cards": _int(3, 9), "year": _int(1985, 2024), "goals": _int(3, 30),
    "rises": _pick(("rises", "falls", "jumps", "slips")),
    "driver": _pick(("strong demand", "cost cuts", "higher prices", "cloud growth", "weak sales",
                     "higher wages", "marketing spending", "research costs", "acquisitions")),
    "ni": _int(10, 9000), "eps": _int(5, 400), "adj": _int(5, 400), "rev": _num(1, 90), "est": _num(1, 90),
    "provider": _pick(("LSEG", "FactSet", "Zacks", "Visible Alpha")),
    "city": lambda r, v: r.choice(PLACES).title(),
    "product": _pick(("chips", "software", "vehicles", "medicines", "phones", "snacks", "jet engines")),
    "raised": _pick(("raised", "cut", "reaffirmed")), "lo": _int(5, 80), "hi": _int(81, 120),
    "gm": _num(20, 70, ".1f"), "buyback": _int(100, 9000), "months": _pick(("12", "18", "24", "36")),
    "opex": _int(50, 9000), "close": _num(5, 900), "gained": _pick(("gained", "lost")),
    "month": _pick(("January", "April", "July", "October")),
}


class _SlotValues(dict):
    """Slot values drawn on first use, so a template pays only for the slots it names."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> object:
        make = _SLOT_MAKERS.get(key) or _SLOT_MAKERS[key.rstrip("0123456789")]
        value = self[key] = make(self.rng, self)
        return value


def _lookalike_text(rng: random.Random, family: str, agency: str) -> Text:
    heads, sentences = TEMPLATES[family]
    values = _SlotValues(rng)
    chosen = [rng.choice(variants).format_map(values) for variants in sentences if rng.random() < 0.9]
    paragraphs = []
    i = 0
    while i < len(chosen):
        k = rng.randint(1, 2)
        paragraphs.append(" ".join(chosen[i:i + k]))
        i += k
    place = values["city"].upper() if family == "earnings" else rng.choice(PLACES)
    paragraphs[0] = f"{place} ({agency}) - {paragraphs[0]}"
    headline = rng.choice(heads).format_map(values)
    return Text(headline[0].upper() + headline[1:], paragraphs, f"By {_person(rng)}")

# --------------------------------------------------------------------------------------
# Template instances: hard look-alikes, one story written from a form many times
# --------------------------------------------------------------------------------------
#
# A wire fills the same form again and again: results briefs, market closes, dividend
# notices, sports results, weather bulletins, "10 things to know". Two instances of
# one form share every word but the slots: the subject (company, team, city), names
# and tickers, figures, a few words ("rain" for "sunshine"), the dateline's city and
# date, the reporter in the sign-off. Each form sets the share of its words that are
# slots (1-6 %), so two instances have a 5-shingle Jaccard of about 0.55 to 0.9: the
# near-copies' range. Each instance is a story of its own (its own cluster), which
# derived items (copies, versions, edits ...) may copy, like an original.

MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
CONDITIONS = ("rain", "showers", "sunshine", "snow", "sleet", "fog", "drizzle", "thunderstorms",
              "hail", "frost", "wind", "cloud")
MOVES = ("rose", "fell", "gained", "slipped", "climbed", "dropped", "jumped", "eased")
# family -> (headline forms, what the subject is, dateline cities: "one" a city for
# the form, "few" a handful, "any" any city)
FORMS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "results": (("{S} {q} profit {move} {f}%", "{S} posts {q} net of ${f} million"), "org", "few"),
    "market_close": (("{S} closes {move} {f}% in {m} trade", "Stocks {move}; {S} ends at {f}"), "index", "one"),
    "dividend": (("{S} sets quarterly dividend of {f} cts", "{S} raises dividend to {f} cts a share"),
                 "org", "few"),
    "sports": (("{S} beat {T} {f}-{g}", "{S} down {T} {f}-{g} to stay {m} in table"), "team", "any"),
    "weather": (("{S} weather: {c} and {f} degrees", "Bulletin for {S}: {c}, high of {f}"), "city", "any"),
    "ten_things": (("10 things to know about {S} on {d}", "Ten things to know for {d}: {S}"), "topic", "one"),
}
FORM_NAMES = tuple(FORMS)
TOPICS = ("the markets", "the election", "the storm", "the summit", "the trial", "the budget",
          "the strike", "the outbreak", "the talks", "the rate decision")


def _ticker(rng: random.Random) -> str:
    letters = "".join(chr(65 + b % 26) for b in rng.randbytes(rng.choice((2, 3, 3, 4))))
    return f"<{letters}.{rng.choice('NOLTA')}>"


def _figure(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return str(rng.randint(2, 999))
    if r < 0.7:
        return f"{rng.randint(1, 99)}.{rng.randint(0, 99):02d}"
    return f"{rng.randint(1000, 99999):,}"


class Form(NamedTuple):
    """One template: its family, fixed words and where the slots go."""

    family: str
    heads: tuple[str, ...]
    subject: str
    cities: tuple[str, ...]
    paragraphs: tuple[tuple[str, ...], ...]  # words; a slot is "\\x00kind"
    editor: str
    reporter: str | None  # the desk writer who files every instance, or None: a reporter each


@lru_cache(maxsize=4096)
def form(seed: int, t: int) -> Form:
    """Template ``t`` of the corpus of ``seed`` (a pure function of both)."""
    rng = random.Random((seed << 24) ^ (t * 7919 + 5))
    family = FORM_NAMES[t % len(FORM_NAMES)]
    heads, subject, where = FORMS[family]
    if where == "one":
        cities = (rng.choice(PLACES),)
    elif where == "few":
        cities = tuple(rng.sample(PLACES, 2))
    else:
        cities = PLACES
    n_words = 120 + rng.randrange(330)
    words = list(_draw(rng, n_words))
    # The share of the body's words that change from instance to instance: the
    # subject (two words, two to four times), the sign-off's reporter (two), the slots.
    share = rng.uniform(0.01, 0.06)
    mentions = rng.randint(2, 4)
    slots = max(2, round(share * len(words)) - 2 * mentions - 2)
    kinds = {"results": "ffffnoT", "market_close": "fffffmn", "dividend": "ffffoT",
             "sports": "ffnnnt", "weather": "ffccccn", "ten_things": "fnnotc"}[family]
    spots = sorted(rng.sample(range(4, len(words)), min(len(words) - 4, slots + mentions)))
    # two figures at least: a form always carries the numbers it was filled in for
    marks = ["\x00f", "\x00f"] + [f"\x00{rng.choice(kinds)}" for _ in range(slots - 2)] + ["\x00S"] * mentions
    rng.shuffle(marks)
    for at, mark in zip(spots, marks, strict=False):
        words[at] = mark
    words[0] = "\x00S"  # the lead names the subject
    paragraphs, start = [], 0
    while start < len(words):
        stop = min(len(words), start + 25 + rng.randrange(40))
        paragraphs.append(tuple(words[start:stop]))
        start = stop
    desk = family in ("market_close", "weather", "ten_things") or rng.random() < 0.3
    return Form(family, heads, subject, cities, tuple(paragraphs), _person(rng), _person(rng) if desk else None)


def _subject(rng: random.Random, kind: str) -> str:
    if kind == "org":
        return rng.choice(bank().orgs)
    if kind == "index":
        return rng.choice(INDICES)
    if kind == "team":
        return rng.choice(TEAMS)
    if kind == "city":
        return rng.choice(PLACES).title()
    return rng.choice(TOPICS)


def _template_text(seed: int, item: int, t: int, agency: str, when: int) -> tuple[Text, Entities]:
    """Instance ``item`` of template ``t``, dated ``when`` (its dateline's date)."""
    f = form(seed, t)
    rng = random.Random((seed << 40) | item)
    subject = _subject(rng, f.subject)
    other = _subject(rng, "team" if f.subject == "team" else "org")
    reporter = f.reporter or _person(rng)
    fill = {
        "S": lambda: subject,
        "f": lambda: _figure(rng), "n": lambda: _person(rng), "o": lambda: rng.choice(bank().orgs),
        "T": lambda: _ticker(rng), "t": lambda: rng.choice(TEAMS), "c": lambda: rng.choice(CONDITIONS),
        "m": lambda: rng.choice(MOVES),
    }
    paragraphs = []
    for words in f.paragraphs:
        p = " ".join(fill[w[1]]() if w[0] == "\x00" else w for w in words).replace(" .", ".").lstrip(". ")
        paragraphs.append(p[0].upper() + p[1:] + ("" if p[-1] == "." else "."))
    day = time.gmtime(when)
    paragraphs[0] = f"{rng.choice(f.cities)}, {MONTHS[day.tm_mon - 1]} {day.tm_mday} ({agency}) - {paragraphs[0]}"
    paragraphs.append(f"(Reporting by {reporter}; Editing by {f.editor})")
    headline = rng.choice(f.heads).format(
        S=subject, T=other, q=rng.choice(QUARTERS), move=rng.choice(MOVES), f=_figure(rng),
        g=rng.randint(0, 4), m=rng.choice(("second", "third", "top")), c=rng.choice(CONDITIONS),
        d=f"{WEEKDAYS[day.tm_wday]}, {MONTHS[day.tm_mon - 1]} {day.tm_mday}")
    entities = Entities(people=(reporter, f.editor), place=rng.choice(f.cities).title(),
                        orgs=(subject, other), day=f"on {WEEKDAYS[day.tm_wday]}")
    return Text(headline[0].upper() + headline[1:], paragraphs, f"By {reporter}"), entities



# --------------------------------------------------------------------------------------
# The plan: who is what, when; then the items, in time order
# --------------------------------------------------------------------------------------

@dataclass
class Plan:
    """One entry per item, in output (time) order. Lists, not objects: 1M items stay small."""

    seed: int
    kind: list[str]
    cluster: list[int]
    parent: list[int]        # item index of the original, -1 for originals and look-alikes
    agency: list[int]        # index into AGENCIES (the dateline agency of the text)
    holder: list[str]        # copyrightholder as written (another one for redistributed copies)
    guid: list[str]
    version: list[int]
    first: list[int]         # firstcreated, seconds since the epoch
    created: list[int]       # versioncreated
    detail: list[str]        # template family, "edit 0.042", "trim 0.120", the headline prefix
    template: list[int]      # the template of an instance (or of the instance a derived item copies), else -1
    dated: list[int]         # when that instance went out (its dateline's date), else 0
    offset: int = 0          # item index of the first entry (a slice of a plan, for a worker)

    def __len__(self) -> int:
        return len(self.kind)

    def slice(self, start: int, stop: int) -> Plan:
        """Items ``start`` to ``stop`` (what a worker needs to write them; indices stay absolute)."""
        lists = {name: getattr(self, name)[start - self.offset:stop - self.offset]
                 for name in ("kind", "cluster", "parent", "agency", "holder", "guid", "version",
                              "first", "created", "detail", "template", "dated")}
        return Plan(self.seed, **lists, offset=start)


def _counts(n: int, template_share: float = SHARES["template"]) -> dict[str, int]:
    counts = {k: int(round(share * n)) for k, share in (SHARES | {"template": template_share}).items()}
    counts["original"] = n - sum(counts.values())
    if counts["original"] < 1 and n:
        # Tiny corpora: no derived item without an original.
        counts = {k: 0 for k in KINDS} | {"original": n}
    return counts


def default_templates(n: int, template_share: float = SHARES["template"]) -> int:
    """How many templates the instances are spread over: about 15 instances each."""
    return max(1, round(n * template_share / 15))


def plan(n: int, seed: int = 0, template_share: float = SHARES["template"], templates: int | None = None,
         days: int = DAYS) -> Plan:
    """Decide every item's kind, cluster, parent, provider, guid and times (no text yet).

    ``template_share`` of the items are template instances, spread over ``templates``
    templates (default :func:`default_templates`); the items' times over ``days``
    days from 2026-09-01."""
    rng = random.Random(seed * 1_000_003 + 17)
    counts = _counts(n, template_share)
    templates = templates or default_templates(n, template_share)
    weights = [a[3] for a in AGENCIES]
    n_orig = counts["original"]
    n_tmpl = counts["template"]
    span = days * 86400
    # (created, first, kind, cluster, parent (as original number), agency, holder, guid, version, detail,
    #  template); originals first, then template instances: a derived item's parent p < n_orig + n_tmpl
    rows: list[tuple] = []
    orig_agency = rng.choices(range(len(AGENCIES)), weights, k=n_orig + n_tmpl)
    orig_time = [START + int(rng.random() * span) for _ in range(n_orig + n_tmpl)]
    of_template = [-1] * n_orig + [rng.randrange(templates) for _ in range(n_tmpl)]
    serial = 0

    def guid(domain: str, t: int) -> str:
        nonlocal serial
        serial += 1
        return f"urn:newsml:{domain}:{time.strftime('%Y%m%d', time.gmtime(t))}:{seed}-{serial:08d}"

    for c in range(n_orig):
        a, t = orig_agency[c], orig_time[c]
        rows.append((t, t, "original", c, -1, a, AGENCIES[a][0], guid(AGENCIES[a][2], t), 1, "", -1))
    for c in range(n_orig, n_orig + n_tmpl):
        # A form is filled on a few days of the month, several times a day (dividend
        # notices, results): instances often share the dateline's city and date.
        k = of_template[c]
        day = (k * 7 + 11 * rng.randrange(3)) % days
        orig_time[c] = START + day * 86400 + rng.randrange(86400)
        a, t = orig_agency[c], orig_time[c]
        rows.append((t, t, "template", c, -1, a, AGENCIES[a][0], guid(AGENCIES[a][2], t), 1,
                     f"{FORM_NAMES[k % len(FORM_NAMES)]} #{k}", k))
    families = sorted(TEMPLATES)
    for i in range(counts["lookalike"]):
        a = rng.choices(range(len(AGENCIES)), weights)[0]
        t = START + int(rng.random() * span)
        rows.append((t, t, "lookalike", n_orig + n_tmpl + i, -1, a, AGENCIES[a][0], guid(AGENCIES[a][2], t), 1,
                     rng.choice(families), -1))
    for kind in DERIVED:
        lo, hi = DELAY[kind]
        for _ in range(counts[kind]):
            p = rng.randrange(n_orig + n_tmpl)
            a = orig_agency[p]
            t = orig_time[p] + rng.randint(lo, hi)
            holder, domain = AGENCIES[a][0], AGENCIES[a][2]
            first, detail = t, ""
            if kind == "exact" and rng.random() < 0.5:
                holder, domain = rng.choice(REDISTRIBUTORS)
            if kind == "version":
                first = orig_time[p]
                g = rows[p][7]  # the original's guid; the version number is set in time order
            else:
                g = guid(domain, t)
            if kind == "near_edit":
                detail = f"edit {rng.uniform(0.01, 0.10):.3f}"
            elif kind == "near_trim":
                detail = f"trim {rng.uniform(0.05, 0.30):.3f}"
            elif kind == "near_append":
                detail = f"UPDATE {rng.randint(1, 3)}-"
            elif kind == "near_prefix":
                detail = rng.choice(STATUS_PREFIXES)
            rows.append((t, first, kind, p, p, a, holder, g, 1, detail, of_template[p]))
    # Time order (ties by plan position), so an original always precedes what copies it.
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))
    position = {old: new for new, old in enumerate(order)}
    out = Plan(seed, [], [], [], [], [], [], [], [], [], [], [], [])
    versions_seen: dict[int, int] = {}
    for old in order:
        created, first, kind, cluster, parent, a, holder, g, version, detail, template = rows[old]
        if kind == "version":
            version = versions_seen.get(parent, 1) + 1
            versions_seen[parent] = version
            detail = f"UPDATE {version - 1}-"
        out.kind.append(kind)
        out.cluster.append(cluster)
        out.parent.append(position[parent] if parent >= 0 else -1)
        out.agency.append(a)
        out.holder.append(holder)
        out.guid.append(g)
        out.version.append(version)
        out.first.append(first)
        out.created.append(created)
        out.detail.append(detail)
        out.template.append(template)
        out.dated.append(orig_time[cluster] if template >= 0 else 0)
    return out


def _rng(p: Plan, item: int) -> random.Random:
    # One generator per item: an item's text depends only on (seed, item), so any
    # worker can make any item, and a copy can remake its original's text.
    return random.Random((p.seed << 40) | item)


@lru_cache(maxsize=1 << 12)
def _instance_text(seed: int, item: int, t: int, agency: int, when: int) -> tuple[Text, Entities]:
    return _template_text(seed, item, t, AGENCIES[agency][1], when)


@lru_cache(maxsize=1 << 15)
def _original_text(seed: int, item: int, agency: int) -> tuple[Text, Entities]:
    # Copies follow their original within a day (~1/30 of the corpus), so the
    # last 32k originals are nearly always at hand; older ones are remade.
    return _story_text(random.Random((seed << 40) | item), AGENCIES[agency][1])


def text_of(p: Plan, item: int) -> Text:
    """The headline, paragraphs and byline of one item (a pure function of the plan and item)."""
    at = item - p.offset
    kind, agency = p.kind[at], p.agency[at]
    if kind == "original":
        return _original_text(p.seed, item, agency)[0]
    rng = _rng(p, item)
    if kind == "lookalike":
        return _lookalike_text(rng, p.detail[at], AGENCIES[agency][1])
    if kind == "template":
        return _instance_text(p.seed, item, p.template[at], agency, p.dated[at])[0]
    # A derived item carries its original's agency (and template and date), so the
    # original can be remade from the item alone (a worker holds only its slice of the plan).
    if p.template[at] >= 0:
        base, entities = _instance_text(p.seed, p.parent[at], p.template[at], agency, p.dated[at])
    else:
        base, entities = _original_text(p.seed, p.parent[at], agency)
    detail = p.detail[at]
    if kind == "exact":
        return base
    if kind in ("version", "near_append"):
        return Text(f"{detail}{base.headline}", base.paragraphs + _more_paragraphs(rng, entities), base.byline)
    if kind == "near_edit":
        return Text(base.headline, _edit(rng, base.paragraphs, float(detail.split()[1])), base.byline)
    if kind == "near_trim":
        return Text(base.headline, _trim(base.paragraphs, float(detail.split()[1])), base.byline)
    if kind == "near_prefix":
        return Text(f"{detail}{base.headline}", base.paragraphs, base.byline)
    raise ValueError(f"unknown kind {kind!r}")


def _stamp(t: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def render(p: Plan, item: int) -> dict:
    """The ninjs 2.x object of one item."""
    text = text_of(p, item)
    at = item - p.offset
    return {
        "uri": p.guid[at], "type": "text", "version": str(p.version[at]), "language": "en",
        "versioncreated": _stamp(p.created[at]), "firstcreated": _stamp(p.first[at]),
        "pubstatus": "usable",
        "headlines": [{"role": "main", "value": text.headline}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": "<p>" + escape("\n".join(text.paragraphs)).replace("\n", "</p><p>") + "</p>"}],
        "by": text.byline, "copyrightholder": p.holder[at],
    }


def truth_frame(p: Plan, files: list[str], lines: list[int]) -> pl.DataFrame:
    """The truth rows of a plan; ``files``/``lines`` say where each item was written."""
    return pl.DataFrame({
        "item": range(len(p)),
        "file": files,
        "line": lines,
        "item_uri": [f"{f}#{n}" for f, n in zip(files, lines, strict=True)],
        "cluster_id": p.cluster,
        "kind": p.kind,
        "parent": [x if x >= 0 else None for x in p.parent],
        "provider": p.holder,
        "guid": p.guid,
        "version": p.version,
        "version_created": [t * 1_000_000 for t in p.created],
        "detail": p.detail,
        "template": [x if x >= 0 else None for x in p.template],
    }, schema={**TRUTH_SCHEMA, "version_created": pl.Int64}).with_columns(
        pl.col("version_created").cast(TRUTH_SCHEMA["version_created"]))


def generate(n: int, seed: int = 0, source: str = "wire.jsonl", template_share: float = SHARES["template"],
             templates: int | None = None, days: int = DAYS) -> tuple[list[dict], pl.DataFrame]:
    """``n`` ninjs objects and their truth frame (same order; ``item_uri`` is ``source#line``).

    Holds every item in memory: for a million use :func:`write_jsonl`.
    """
    p = plan(n, seed, template_share, templates, days)
    return [render(p, i) for i in range(n)], truth_frame(p, [source] * n, list(range(n)))


def to_jsonl(items: list[dict]) -> bytes:
    """JSON Lines bytes of ``items`` (one object a line, so item index = line index)."""
    return "".join(json.dumps(x) + "\n" for x in items).encode()


def shard_name(index: int) -> str:
    return f"wire-{index:05d}.jsonl"


def _write_shard(p: Plan, out: Path, index: int, start: int, stop: int) -> None:
    with (out / shard_name(index)).open("w", encoding="utf-8") as fh:
        for lo in range(start, stop, 2000):
            fh.write("".join(json.dumps(render(p, i)) + "\n" for i in range(lo, min(stop, lo + 2000))))


def _shard_job(args: tuple[Plan, str, int, int, int]) -> None:
    p, out, index, start, stop = args
    _write_shard(p, Path(out), index, start, stop)


def write_jsonl(path: str | Path, n: int, seed: int = 0, shard_size: int | None = None,
                workers: int | None = None, template_share: float = SHARES["template"],
                templates: int | None = None, days: int = DAYS) -> list[Path]:
    """Write ``n`` items to ``path/wire-00000.jsonl`` ... and the truth to ``path/truth.parquet``.

    ``shard_size`` items a file (one file if None); shards are written by up to
    ``workers`` processes (default: the CPU count), each item made on its own,
    so no worker holds more than a plan and a batch of text. The files do not
    depend on ``workers``. The truth's ``item_uri`` is ``<file name>#<line>``.
    Returns the JSONL files in order.
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    p = plan(n, seed, template_share, templates, days)
    size = shard_size or max(n, 1)
    shards = [(k, lo, min(n, lo + size)) for k, lo in enumerate(range(0, n, size))]
    workers = min(workers or os.cpu_count() or 1, len(shards))
    if workers <= 1:
        for k, lo, hi in shards:
            _write_shard(p, out, k, lo, hi)
    else:
        # spawn, not fork: the caller may already run polars' thread pool. Each
        # job carries only its slice of the plan.
        jobs = ((p.slice(lo, hi), str(out), k, lo, hi) for k, lo, hi in shards)
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for _ in pool.imap_unordered(_shard_job, jobs):
                pass
    files = [shard_name(i // size) for i in range(n)]
    truth_frame(p, files, [i % size for i in range(n)]).write_parquet(out / "truth.parquet")
    return [out / shard_name(k) for k, _, _ in shards]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.wire_corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="directory for wire-*.jsonl and truth.parquet")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard-size", type=int, default=None)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--template-share", type=float, default=SHARES["template"],
                    help="share of template instances (hard look-alikes)")
    ap.add_argument("--templates", type=int, default=None, help="templates they are spread over")
    ap.add_argument("--days", type=int, default=DAYS,
                    help=f"days from 2026-09-01 the items are spread over (default {DAYS}; 1826: five years)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths = write_jsonl(args.out, args.n, args.seed, args.shard_size, args.workers, args.template_share,
                        args.templates, args.days)
    dt = time.perf_counter() - t0
    size = sum(x.stat().st_size for x in paths)
    print(f"{args.n:,} items in {len(paths)} file(s), {size / 1e6:,.1f} MB, {dt:.1f} s "
          f"({args.n / dt:,.0f} items/s) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
