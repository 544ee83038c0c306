"""Generates seqkit's embedded NER corpus: `train.txt` and `valid.txt` beside this file.

The corpus is synthetic and written for seqkit: hand-written news-style sentence templates
whose slots are filled from hand-written name lists, then tokenised with
`seqkit.data.word_splitting` (so training text looks like text tokenised at predict time)
and tagged in IOB2 with PER, LOC, ORG and MISC. About a quarter of every name list is held
out of the training split and used for half of the validation entities, so validation
scores measure generalisation to unseen names, not memorisation.

Run it to rewrite the files, or with `--check` to verify them (`seqkit.data.generated_corpus`).
"""

import pathlib
import random
import re

from seqkit.data.conll import format_conll
from seqkit.data.generated_corpus import generator_main
from seqkit.data.word_splitting import split_words_with_offsets as tokenize_with_offsets

HERE = pathlib.Path(__file__).resolve().parent
TRAIN_SENTENCES = 1500
VALID_SENTENCES = 300
HELD_OUT_FRACTION = 0.25
UNSEEN_IN_VALID = 0.5

# === Name lists (each entry is one entity) ===
FIRST_NAMES = """
Maria James Amara Chen Oleksandr Priya Tomas Fatima Lucas Ingrid Kwame Sofia Hiroshi Elena
Mateo Aisha Daniel Yuki Pavel Leila Omar Grace Rafael Nadia Samuel Mei Ibrahim Clara Andrei
Zainab Henrik Lucia Kofi Anna Diego Mariam Viktor Rosa Tariq Helen Jorge Ana Emeka Sara
Nikolai Carmen Ravi Beatriz Ahmed Julia Felipe Hana Thabo Irene Marco Ngozi Stefan Laura
Arjun Lina Mikhail Isabel Chidi Eva Pedro Farah Johan Alice Kenji Olga Adebayo Miriam Luis
Ayesha Erik Teresa Musa Katarina Bruno Noor Patrick Elif Gustavo Layla Dmitri Sinead Hamid
Camille Ignacio Amina Lars Valentina Kemal Joanna Sipho Francesca Yusuf Agnes Rahul Marta
Tobias Zeynep Hugo Wanjiru Anders Paola Karim Ewa Martin Rania Sergei Lea Abdul Monique Kim
Dara Ilse Bogdan Yara Gareth Nkechi Ricardo Annika Haruto Simone Oskar Amal Vincent Dalia
""".split()

SURNAMES = """
Okafor Lindqvist Moreau Tanaka Kowalski Haddad Mensah Ferreira Novak Osei Petrov Alvarez
Nakamura Brennan Castillo Abara Sorensen Rahman Costa Dubois Yilmaz Mwangi Kovacs Santos
Ivanova Fischer Adeyemi Larsen Martinez Chowdhury Rossi Hoffmann Nyambura Silva Keller Ortiz
Kaplan Park Nieminen Garcia Bianchi Owusu Jansen Kumar Reyes Weber Molina Achebe Horvat Suzuki
Vargas Lambert Mahlangu Novotny Pereira Kruger Danso Romero Schmidt Barros Wojcik Hassan
Delgado Bergstrom Ansah Marchetti Eriksen Mendez Oyelaran Popescu Chua Lehmann Navarro Kaya
Brandt Acheampong Fontaine Tkachenko Iqbal Salazar Virtanen Morales Jovanovic Fernandes Ito
Gallagher Obi Sandoval Holm Mutua Vieira Baptiste Sato Dlamini Cruz Nilsen Ramos Kiplagat
Moretti Zielinski Ahmadi Duarte Lund Quinn Asante Pham Richter Benali Forde Takahashi Mbeki
Carvalho Strand Aziz Lopez Bauer Nwosu Guerrero Kamau Rinaldi Holloway Szabo Medina Eze
Whitfield Calloway Ashby Thornton Pike Radford Mercer Hale Prescott Dunmore Fairbanks Lyle
""".split()

CITIES = [
    "Lagos", "Nairobi", "Lisbon", "Oslo", "Kyiv", "Lima", "Manila", "Hanoi", "Dublin", "Vienna",
    "Prague", "Warsaw", "Accra", "Dakar", "Cairo", "Tunis", "Ankara", "Tbilisi", "Almaty",
    "Karachi", "Dhaka", "Chennai", "Jakarta", "Osaka", "Seoul", "Busan", "Perth", "Auckland",
    "Santiago", "Bogota", "Quito", "Havana", "Montreal", "Chicago", "Denver", "Houston",
    "Boston", "Seattle", "Glasgow", "Cardiff", "Leeds", "Marseille", "Lyon", "Munich",
    "Hamburg", "Rotterdam", "Antwerp", "Geneva", "Zurich", "Milan", "Naples", "Seville",
    "Valencia", "Porto", "Athens", "Sofia", "Bucharest", "Belgrade", "Zagreb", "Riga",
    "Tallinn", "Helsinki", "Gothenburg", "Bergen", "Reykjavik", "Casablanca", "Kampala",
    "Kigali", "Lusaka", "Harare", "Durban", "Mombasa", "Addis Ababa", "Cape Town",
    "New York", "Los Angeles", "San Francisco", "Buenos Aires", "Rio de Janeiro", "Sao Paulo",
    "Mexico City", "Kuala Lumpur", "Hong Kong", "Tel Aviv", "Abu Dhabi", "New Delhi",
    "Ho Chi Minh City", "St Petersburg", "Port Moresby", "Las Palmas", "Minsk", "Baku",
    "Yerevan", "Tashkent", "Ulaanbaatar", "Vientiane", "Colombo", "Kathmandu", "Doha",
    "Muscat", "Amman", "Beirut", "Algiers", "Rabat", "Windhoek", "Gaborone", "Maputo",
]
COUNTRIES = [
    "Nigeria", "Kenya", "Portugal", "Norway", "Ukraine", "Peru", "Vietnam", "Ireland", "Austria",
    "Poland", "Ghana", "Senegal", "Egypt", "Tunisia", "Turkey", "Georgia", "Kazakhstan",
    "Pakistan", "Bangladesh", "India", "Indonesia", "Japan", "Chile", "Colombia", "Ecuador",
    "Cuba", "Canada", "Scotland", "Wales", "France", "Germany", "Belgium", "Switzerland",
    "Italy", "Spain", "Greece", "Bulgaria", "Romania", "Serbia", "Croatia", "Latvia", "Estonia",
    "Finland", "Sweden", "Iceland", "Morocco", "Uganda", "Rwanda", "Zambia", "Zimbabwe",
    "Ethiopia", "Brazil", "Argentina", "Mexico", "Malaysia", "Israel", "Jordan", "Lebanon",
    "Algeria", "Namibia", "Botswana", "Mozambique", "Mongolia", "Nepal", "Qatar", "Oman",
    "South Africa", "New Zealand", "Sri Lanka", "Costa Rica", "Saudi Arabia", "South Korea",
    "the Netherlands", "the Philippines", "the United States", "the Czech Republic",
]
PLACES = [
    "the Danube", "the Andes", "the Sahara", "the Alps", "the Baltic Sea", "the Nile",
    "Lake Victoria", "the Rift Valley", "the Atlantic", "the Pacific", "Mount Kenya",
    "the Mekong", "the Balkans", "Patagonia", "Siberia", "Bavaria", "Catalonia", "Tuscany",
    "Andalusia", "Flanders", "the Gulf", "the Caribbean", "Central Asia", "West Africa",
    "East Africa", "Scandinavia", "the Amazon", "the Arctic", "Mount Elgon", "the Highlands",
]
COMPANY_STEMS = """
Northgate Bluewater Kestrel Arden Halvorsen Veltra Quorvex Redfield Silverline Ostrava
Meridian Corbel Tamsin Larkspur Ironbridge Falcon Harbourview Solvane Brightwater Eastmoor
Greystone Norvik Pallas Tidewell Copperleaf Saltmarsh Zentara Orion Westhaven Calder
Amberly Stonecroft Lumina Vireo Kilnworth Marlowe Trestle Havel Ravenna Sable Cindral
Obsidian Quayside Thornbury Wrenfield Azura Beacon Crestmark Dunlin Everlake
""".split()
COMPANY_SUFFIXES = [
    "Holdings", "Group", "Bank", "Airlines", "Energy", "Motors", "Telecom", "Foods", "Mining",
    "Insurance", "Pharmaceuticals", "Systems", "Capital", "Logistics", "Steel", "Media",
    "Shipping", "Textiles", "Cement", "Brewery", "Investments", "Electric", "Rail", "Chemicals",
]
COMPANY_ENDINGS = ["", "", "", " Inc.", " Ltd", " Corp."]
INSTITUTIONS = [
    "Ministry of Finance", "Ministry of Health", "Ministry of Defence", "Supreme Court",
    "Central Bank", "National Assembly", "Electoral Commission", "Interior Ministry",
    "Constitutional Court", "Senate", "Parliament", "Finance Ministry", "Trade Council",
    "Stock Exchange", "Football Federation", "Olympic Committee", "Red Crescent", "Coast Guard",
    "National Weather Service", "Statistics Office", "Audit Office", "Energy Agency",
    "Maritime Authority", "Police Service", "Medical Council", "Farmers Union", "Teachers Union",
    "Chamber of Commerce", "Civil Aviation Authority", "Public Broadcasting Corporation",
]
PARTY_WORDS = [
    "Democratic Alliance", "People's Party", "Labour Front", "Green Union", "Liberal Movement",
    "National Congress", "Progress Party", "Reform Coalition", "Unity Party", "Workers' League",
    "Freedom Party", "Civic Platform", "Social Democrats", "Rural Party", "Justice Movement",
]
CLUB_PATTERNS = ["{} United", "{} Rovers", "{} City", "{} Athletic", "Sporting {}", "{} Wanderers"]
UNIVERSITY_PATTERNS = ["University of {}", "{} University", "{} Institute of Technology"]
NEWSPAPERS = [
    "Daily Courier", "Evening Herald", "Morning Ledger", "Northern Echo", "Weekly Observer",
    "Coastal Times", "Capital Gazette", "Harbour Post", "Valley Tribune", "Sunday Chronicle",
    "Metro Bulletin", "Frontier Journal", "Union Dispatch", "Atlas Review", "Summit Press",
]
NATIONALITIES = [
    "Nigerian", "Kenyan", "Portuguese", "Norwegian", "Ukrainian", "Peruvian", "Vietnamese",
    "Irish", "Austrian", "Polish", "Ghanaian", "Senegalese", "Egyptian", "Turkish", "Georgian",
    "Pakistani", "Indian", "Indonesian", "Japanese", "Chilean", "Colombian", "Cuban",
    "Canadian", "Scottish", "Welsh", "French", "German", "Belgian", "Swiss", "Italian",
    "Spanish", "Greek", "Bulgarian", "Romanian", "Serbian", "Croatian", "Finnish", "Swedish",
    "Icelandic", "Moroccan", "Ugandan", "Rwandan", "Zambian", "Ethiopian", "Brazilian",
    "Argentine", "Mexican", "Malaysian", "Israeli", "Jordanian", "Lebanese", "Algerian",
    "Namibian", "Mongolian", "Nepalese", "Dutch", "Filipino", "American", "Czech", "Danish",
    "Korean", "South African", "New Zealand", "Sri Lankan", "Saudi", "European", "African",
    "Asian", "Latin American", "Arab", "Nordic", "Balkan",
]
EVENTS = [
    "World Cup", "Olympic Games", "Winter Olympics", "Champions League", "Davis Cup",
    "Tour de France", "Africa Cup of Nations", "Harbour Marathon", "Copa America",
    "Northern Lights Festival", "Spring Book Fair", "Grand Prix", "Nations League",
    "World Athletics Championships", "Asian Games", "Commonwealth Games", "Ryder Cup",
    "Summit of the Americas", "Climate Week", "Film Festival", "Jazz Weekend", "Expo",
    "Silver Cup", "Open Championship", "Masters", "Paris Air Show", "Biennale",
]
LANGUAGES = [
    "Swahili", "Portuguese", "Hindi", "Arabic", "Mandarin", "Yoruba", "Tagalog", "Basque",
    "Catalan", "Hungarian", "Amharic", "Zulu", "Quechua", "Welsh", "Finnish", "Urdu", "Korean",
]
PRODUCTS = [
    "Orion-7", "Boeing 737", "Model S", "Galaxy Note", "Kestrel X2", "Aurora Express",
    "Vireo Pad", "Sable Pro", "Atlas Engine", "Lumina Reader", "Falcon Nine", "Corbel Mini",
    "Quorvex One", "Tidewell Cruiser", "Nova Tab", "Pallas Drone",
]
HOLIDAYS = [
    "Ramadan", "Christmas", "Easter", "Diwali", "Hanukkah", "Eid al-Fitr", "Lunar New Year",
    "Carnival", "Thanksgiving", "Passover", "Midsummer", "Independence Day",
]
AWARDS = [
    "Nobel Prize", "Peace Prize", "Oscar", "Grammy", "Golden Boot", "Booker Prize",
    "Pulitzer Prize", "Ballon d'Or", "Golden Lion", "Fields Medal", "Halvorsen Medal",
    "Meridian Award", "Palme d'Or", "Laureus Award",
]

# === Templates ===
# Slots: {PER} a person (full name or surname), {FULL} a full name, {SUR} a surname,
# {LOC} any location, {CITY}, {COUNTRY}, {PLACE}, {ORG} any organisation, {COMPANY},
# {INST} a national institution (often with its country), {PARTY}, {CLUB}, {UNI}, {PAPER},
# {NAT} a nationality, {EVENT}, {LANG}, {PRODUCT}, {HOLIDAY}, {AWARD} (all MISC);
# non-entity slots:
# {N} a small number, {BIG} a large number, {PCT} a percentage figure, {MONTH}, {DAY},
# {YEAR}, {AGE}, {DATE} a dateline date, {SCORE} a match score.
TEMPLATES = """
{FULL} , the chief executive of {COMPANY} , said on {DAY} that profits rose {PCT} percent .
{COMPANY} shares fell {PCT} percent in {CITY} after the company cut its forecast .
{SUR} told reporters in {CITY} that the talks with {ORG} would continue .
The {NAT} government said {N} people were injured in the blast near {CITY} .
{FULL} won the {EVENT} title in {CITY} on {DAY} , beating {FULL} {SCORE} .
{CLUB} beat {CLUB} {SCORE} in the {EVENT} on {DAY} .
Police in {CITY} arrested {N} men after a raid on the offices of {COMPANY} .
{FULL} , {AGE} , was named coach of {CLUB} on {DAY} .
The {INST} of {COUNTRY} raised interest rates to {PCT} percent .
{COUNTRY} and {COUNTRY} signed a trade agreement in {CITY} on {DAY} .
{COMPANY} agreed to buy {COMPANY} for {BIG} million dollars .
Floods along {PLACE} forced {BIG} people from their homes , officials in {CITY} said .
{NAT} Prime Minister {FULL} arrived in {CITY} for two days of talks .
President {FULL} of {COUNTRY} met {NAT} leaders in {CITY} .
The {PARTY} of {FULL} won {N} seats in the election in {COUNTRY} .
{FULL} of the {PARTY} called the result a victory for {COUNTRY} .
" We will not give up , " {SUR} said after the match in {CITY} .
{SUR} scored twice as {CLUB} drew {SCORE} with {CLUB} .
{FULL} , a spokesman for {ORG} , declined to comment .
The {PAPER} reported on {DAY} that {FULL} would resign .
According to the {PAPER} , {COMPANY} plans to close its plant in {CITY} .
{FULL} finished {N} seconds ahead of {FULL} in the {EVENT} .
The {EVENT} will be held in {CITY} in {MONTH} {YEAR} .
{NAT} striker {FULL} joined {CLUB} from {CLUB} .
Thousands marched through {CITY} on {DAY} to protest against the {INST} .
{FULL} was born in {CITY} in {YEAR} and studied at the {UNI} .
Researchers at the {UNI} said the {NAT} study covered {BIG} patients .
The {INST} in {CITY} rejected the appeal by {FULL} .
{ORG} said it had no plans to leave {COUNTRY} .
{COMPANY} reported a net loss of {BIG} million euros for {YEAR} .
Oil prices rose on {DAY} after {ORG} said output from {COUNTRY} would fall .
The {NAT} foreign minister , {FULL} , flew to {CITY} on {DAY} .
{FULL} and {FULL} will meet in {CITY} next {MONTH} .
{SUR} , who joined {COMPANY} in {YEAR} , will replace {FULL} .
Heavy snow closed roads across {PLACE} and parts of {COUNTRY} .
The {NAT} team arrived in {CITY} ahead of the {EVENT} .
{FULL} said the {PRODUCT} would be launched in {COUNTRY} in {MONTH} .
{COMPANY} unveiled the {PRODUCT} at an event in {CITY} .
The film , made in {LANG} , won the main prize at the {EVENT} .
{FULL} translated the novel from {LANG} into {LANG} .
Schools in {CITY} will teach {LANG} from next year , the {INST} said .
{N} {NAT} tourists were rescued from {PLACE} on {DAY} .
An earthquake of magnitude {N} struck {COUNTRY} on {DAY} , the {INST} said .
{FULL} resigned as chairman of {ORG} after {N} years .
{ORG} appointed {FULL} as its new director .
Talks between {ORG} and {ORG} broke down in {CITY} .
{FULL} ( {CLUB} ) and {FULL} ( {CLUB} ) were sent off .
Results of the {EVENT} on {DAY} : {FULL} ( {COUNTRY} ) {SCORE} .
Leading scorers : {N} - {FULL} ( {CLUB} ) .
{CITY} {DATE} - {FULL} said the deal with {COMPANY} was close .
{CITY} {DATE} - {ORG} said on {DAY} it would hire {BIG} workers .
{CITY} {DATE} - Mr. {SUR} told {PAPER} the {INST} would meet again .
{NAT} bonds fell in {CITY} trading as {ORG} warned of losses .
{FULL} , head of the {INST} , warned of slower growth in {COUNTRY} .
{COUNTRY} will host the {EVENT} for the first time .
Fans of {CLUB} celebrated in the streets of {CITY} .
{SUR}'s lawyer said his client would appeal to the {INST} .
{FULL}'s new book describes life in {PLACE} .
{COMPANY}'s chief financial officer , {FULL} , left the company on {DAY} .
The {NAT} embassy in {CITY} was closed on {DAY} .
Aid from {ORG} reached {CITY} after {N} days .
{FULL} told the {PAPER} that {COUNTRY} needed new roads .
Ministers from {COUNTRY} , {COUNTRY} and {COUNTRY} met in {CITY} .
The {EVENT} in {CITY} attracted {BIG} visitors .
{FULL} , a {NAT} engineer , designed the bridge over {PLACE} .
Shares in {COMPANY} rose {PCT} percent on the {CITY} stock market .
{ORG} said {FULL} had been released on bail in {CITY} .
Mr {SUR} said the {PARTY} would vote against the budget .
Ms {SUR} led the {NAT} delegation to the {EVENT} .
Dr {FULL} of the {UNI} said the results were encouraging .
Coach {FULL} praised {SUR} after the win over {CLUB} .
{FULL} beat {FULL} {SCORE} {SCORE} to reach the final in {CITY} .
The {INST} fined {COMPANY} {BIG} dollars for late filings .
{COMPANY} will build a factory near {CITY} , {COUNTRY} .
Exports from {COUNTRY} to {COUNTRY} rose {PCT} percent in {MONTH} .
{FULL} was elected mayor of {CITY} with {PCT} percent of the vote .
Rebels attacked a village in {PLACE} , the {NAT} army said .
A court in {CITY} sentenced {FULL} to {N} years in prison .
{FULL} , {AGE} , died in {CITY} on {DAY} , the family said .
{FULL} , {AGE} , a former minister , died in {CITY} on {DAY} .
The {UNI} and {COMPANY} will open a research centre in {CITY} .
The {EVENT} was cancelled because of rain in {CITY} .
{SUR} said {CLUB} had offered {BIG} pounds for the player .
{NAT} and {NAT} troops held joint exercises in {PLACE} .
{FULL} , speaking in {LANG} , thanked the people of {CITY} .
The summit in {CITY} ended without a statement from {ORG} .
{ORG} expects growth of {PCT} percent in {COUNTRY} this year .
{FULL} became the first {NAT} woman to win the {EVENT} .
{FULL} won the {AWARD} for work in {PLACE} .
Tickets for the {EVENT} in {CITY} sold out in {N} hours .
{CLUB} manager {FULL} was sacked on {DAY} .
{COMPANY} and {COMPANY} ended merger talks .
{FULL} met {FULL} at the headquarters of {ORG} in {CITY} .
Storms in {PLACE} left {BIG} homes without power .
The {INST} approved a new law on {DAY} .
{N} people died when a bus crashed near {CITY} , police said .
{FULL} said : " {COUNTRY} is ready . "
The ship left {CITY} for {CITY} on {DAY} with {BIG} tonnes of grain .
Flights between {CITY} and {CITY} resumed on {DAY} .
{FULL} and {SUR} shared the {AWARD} .
{NAT} police questioned {N} suspects in {CITY} .
Officials from {ORG} visited {PLACE} in {MONTH} .
Prices in {COUNTRY} rose {PCT} percent in {MONTH} , the {INST} said .
The {NAT} and {NAT} ministers disagreed over the {EVENT} budget .
Born in {COUNTRY} , {FULL} now plays for {CLUB} .
Celebrations for {HOLIDAY} began in {CITY} on {DAY} .
{FULL} sang in {LANG} and {LANG} at the {EVENT} .
The {PRODUCT} sold {BIG} units in {COUNTRY} in its first week .
{ORG} , based in {CITY} , makes parts for the {PRODUCT} .
A {NAT} court ordered {COMPANY} to pay {BIG} dollars to {FULL} .
" It was a hard game , " said {FULL} , whose {NAT} side lost {SCORE} .
In {CITY} , {FULL} opened the {EVENT} with a speech in {LANG} .
Voters in {PLACE} backed the {PARTY} , the {PAPER} said .
{SUR} , {SUR} and {SUR} were left out of the {NAT} squad .
Asked about {COMPANY} , {SUR} said : " We are talking . "
{FULL} ( {COUNTRY} ) {N} , {FULL} ( {COUNTRY} ) {N} .
After {N} years in {CITY} , {FULL} moved back to {COUNTRY} .
The {INST} suspended {FULL} for {N} matches .
{COUNTRY}'s {INST} said {HOLIDAY} travel rose {PCT} percent .
Markets in {CITY} were closed for {HOLIDAY} .
{FULL}, who won the {AWARD} in {YEAR}, will chair the jury in {CITY}.
""".strip().splitlines()

# Sentences with no entities, so that capitalised words are not always names.
PLAIN_TEMPLATES = """
The talks will resume on {DAY} .
Prices rose {PCT} percent in {MONTH} .
It was not immediately clear how many people were hurt .
The company declined to comment on the report .
Officials said {N} people had been arrested .
The match ended in a {SCORE} draw .
Shares closed {PCT} percent higher on {DAY} .
The government has not yet responded .
Rain is expected to continue until {DAY} .
More than {BIG} people attended the ceremony .
The vote is expected in {MONTH} .
Police said the investigation was continuing .
Half-time : {SCORE} .
The bank cut its forecast for {YEAR} .
No one was injured in the fire .
""".strip().splitlines()

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "ten", "12", "15", "20"]


class NamePool:
    """Name lists split into names seen in training and names held out for validation."""

    def __init__(self, rng):
        self.seen, self.unseen = {}, {}
        lists = {
            "FIRST": FIRST_NAMES, "SUR": SURNAMES, "CITY": CITIES, "COUNTRY": COUNTRIES,
            "PLACE": PLACES, "STEM": COMPANY_STEMS, "INST": INSTITUTIONS, "PARTY": PARTY_WORDS,
            "PAPER": NEWSPAPERS, "NAT": NATIONALITIES, "EVENT": EVENTS, "LANG": LANGUAGES,
            "PRODUCT": PRODUCTS, "HOLIDAY": HOLIDAYS, "AWARD": AWARDS,
        }
        for key, names in lists.items():
            names = sorted(set(names))
            rng.shuffle(names)
            cut = max(1, round(len(names) * HELD_OUT_FRACTION))
            self.unseen[key], self.seen[key] = names[:cut], names[cut:]


class SentenceMaker:
    """Fills templates for one split; `unseen_rate` is the chance to draw a held-out name."""

    def __init__(self, rng, pool, unseen_rate):
        self.rng, self.pool, self.unseen_rate = rng, pool, unseen_rate

    def name(self, key):
        source = self.pool.unseen if self.rng.random() < self.unseen_rate else self.pool.seen
        return self.rng.choice(source[key])

    def entity(self, slot):
        """Returns `(text, type)` for an entity slot, or `(text, None)` for other slots."""
        rng, name = self.rng, self.name
        if slot == "FULL":
            return f"{name('FIRST')} {name('SUR')}", "PER"
        if slot == "SUR":
            return name("SUR"), "PER"
        if slot == "PER":
            return self.entity(rng.choice(["FULL", "FULL", "SUR"]))
        if slot in ("CITY", "COUNTRY", "PLACE"):
            return name(slot), "LOC"
        if slot == "LOC":
            return self.entity(rng.choice(["CITY", "CITY", "COUNTRY", "PLACE"]))
        if slot == "COMPANY":
            ending = rng.choice(COMPANY_ENDINGS)
            if rng.random() < 0.25:
                return name("STEM") + ending, "ORG"
            return f"{name('STEM')} {rng.choice(COMPANY_SUFFIXES)}{ending}", "ORG"
        if slot == "INST":
            return name("INST"), "ORG"
        if slot == "PARTY":
            return name("PARTY"), "ORG"
        if slot == "PAPER":
            return name("PAPER"), "ORG"
        if slot == "CLUB":
            return rng.choice(CLUB_PATTERNS).format(name("CITY")), "ORG"
        if slot == "UNI":
            return rng.choice(UNIVERSITY_PATTERNS).format(name("CITY")), "ORG"
        if slot == "ORG":
            return self.entity(rng.choice(["COMPANY", "COMPANY", "INST", "PARTY", "UNI"]))
        if slot in ("NAT", "EVENT", "LANG", "PRODUCT", "HOLIDAY", "AWARD"):
            return name(slot), "MISC"
        return self.filler(slot), None

    def filler(self, slot):
        rng = self.rng
        if slot == "N":
            return rng.choice(NUMBER_WORDS + [str(rng.randint(2, 90))])
        if slot == "BIG":
            if rng.random() < 0.5:
                return f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}"
            return str(rng.randint(100, 999))
        if slot == "PCT":
            return f"{rng.randint(0, 12)}.{rng.randint(0, 9)}"
        if slot == "MONTH":
            return rng.choice(MONTHS)
        if slot == "DAY":
            return rng.choice(DAYS)
        if slot == "AGE":
            return str(rng.randint(19, 94))
        if slot == "DATE":
            return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if slot == "YEAR":
            return str(rng.randint(1960, 2025))
        if slot == "SCORE":
            return f"{rng.randint(0, 5)}-{rng.randint(0, 5)}"
        raise ValueError(f"Unknown template slot. Received: slot={slot!r}")

    def sentence(self, template):
        """Renders a template and returns its tokens and IOB2 tags."""
        text, entity_spans, position = "", [], 0
        for match in re.finditer(r"\{(\w+)\}", template):
            text += template[position : match.start()]
            value, kind = self.entity(match.group(1))
            if kind is not None and value.startswith("the "):
                # As in CoNLL annotation, a leading article stays outside the entity.
                text, value = text + "the ", value[len("the ") :]
            if kind is not None:
                entity_spans.append((kind, len(text), len(text) + len(value)))
            text += value
            position = match.end()
        text += template[position:]
        text = text[0].upper() + text[1:]  # "the Netherlands ..." at the start
        offsets = tokenize_with_offsets(text)
        starts = {start: i for i, (_, start, _) in enumerate(offsets)}
        ends = {end: i + 1 for i, (_, _, end) in enumerate(offsets)}
        tags = ["O"] * len(offsets)
        for kind, start, end in entity_spans:
            if start not in starts or end not in ends:
                raise ValueError(f"Entity boundaries split a token. Received: {text!r}")
            first, last = starts[start], ends[end]
            tags[first:last] = ["B-" + kind] + ["I-" + kind] * (last - first - 1)
        return [token for token, _, _ in offsets], tags


def make_split(maker, size, rng):
    sentences = []
    while len(sentences) < size:
        plain = rng.random() < 0.08
        template = rng.choice(PLAIN_TEMPLATES if plain else TEMPLATES)
        sentences.append(maker.sentence(template))
    return sentences


def make_corpus(seed=2026):
    """Returns `(train, valid)` lists of `(tokens, tags)` pairs."""
    rng = random.Random(seed)
    pool = NamePool(rng)
    train = make_split(SentenceMaker(rng, pool, unseen_rate=0.0), TRAIN_SENTENCES, rng)
    valid = make_split(SentenceMaker(rng, pool, unseen_rate=UNSEEN_IN_VALID), VALID_SENTENCES, rng)
    return train, valid


def generate(seed):
    """Returns `{file name: CoNLL text}` for the corpus of `seed`."""
    train, valid = make_corpus(seed)
    return {"train.txt": format_conll(train), "valid.txt": format_conll(valid)}


def main(argv=None):
    return generator_main(__doc__, generate, HERE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
