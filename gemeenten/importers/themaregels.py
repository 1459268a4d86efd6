"""Theme (taakveld) of an arrangement by its name or its purpose, where neither a curation
row (fixtures/curation/themas.csv) nor the register's policy areas decide it.

One rule list for every source: OpenGR-only names (importers/opengr.py) and register
arrangements without a mapped policy area (importers/gr_register.py). The basis written
with each theme names the rule and quotes the words it matched, so the report can count
the arrangements that rest on each basis.
"""

import re

from .soorten import citaat

# Theme of an OpenGR-only arrangement no curation row decides: the first rule whose words
# stand in its name (basis `OpenGR-naam: <words>`). Order matters: specific before general
# ("bedrijvenpark" is economy, not recreation; "archiefverzorging" is heritage, not care).
THEMA_REGELS = [
    (r"rekenkamer", "0.1"),
    (
        r"bedrijvenpark|bedrijventerrein|bedrijfschap|bedrijvenschap|industrieschap"
        r"|glastuinbouw|businesspark",
        "3.2",
    ),
    (r"havenschap|haven\b|nautisch", "2.4"),
    (r"wegschap|vervoer|verkeer|bereikbaarheid|mobiliteit", "2.1"),
    (r"crematori|begraaf", "7.5"),
    (r"sportpark|\bsport", "5.2"),
    (r"openbare verlichting", "2.1"),
    (r"welstand", "8.3"),
    (r"stadsbank|schuldhulp", "6.3"),
    (r"archief|archiva|historisch|erfgoed|archeologie|museum", "5.5"),
    (r"veiligheidsregio|brandweer|crisisbeheersing|rampen|ghor\b|hulpverlening", "1.1"),
    (r"\bggd\b|gezondheid|geneeskund|ambulance|\brdog\b", "7.1"),
    (
        r"riool|afvalwater|zuivering|waterschapslaboratorium|grondwater|waterschapsbedrijf"
        r"|hoogheemraadschap|sanering",
        "7.2",
    ),
    (r"afval|vuil|reinig|reigingsdienst|milieustation|milieupark|stortplaats", "7.3"),
    (r"omgevingsdienst|milieu|uitvoeringsdienst|\brud\b", "7.4"),
    (r"belasting|heffing|waardebepaling|\bwoz\b", "0.64"),
    (
        r"sociale dienst|sociale zaken|\bisd\b|\bisw\b|inkomen|kredietbank|bijzonder onderzoek",
        "6.3",
    ),
    (
        r"werkvoorzien|werkbedrijf|participatie|gehand\.?|\bswo\b|\bwerk\b|werkt\b|werkzaak"
        r"|arbeid",
        "6.4",
    ),
    (r"jeugd", "6.92"),
    (r"sociaal domein|\bwmo\b", "6.91"),
    (r"leerplicht|leerling|\brmc\b", "4.3"),
    (r"muziek|kunst|cultu|theater|schouwburg|bibliotheek", "5.3"),
    (r"onderwijs|school|educatie", "4.1"),
    (
        r"recrea|plassenschap|natuur|groen|parkschap|nationaal park|meerschap|koepelschap"
        r"|randmeren",
        "5.7",
    ),
    (r"parkeer", "2.2"),
    (r"toerisme|economi|promotie", "3.1"),
    (r"gebiedsontwikkeling", "8.1"),
    (r"tuinbouw", "3.1"),
    (r"\bpark\b", "5.7"),
    (r"wonen|huisvesting", "8.3"),
    (
        r"werkorganisatie|automatisering|\bict\b|inkoop|bedrijfsvoering|personeel"
        r"|dienstverlening|ombudsman|servicebureau|servicepunt|technisch bureau",
        "0.4",
    ),
    (
        r"regio|streek|overleg|samenwerking|gewest|\bzone\b|modulaire|stadsregio"
        r"|\borgaan\b|\braad\b|bestuur|basisregeling",
        "0.1",
    ),
]
# Names that say nothing of the task: what the arrangement is, decided by hand (basis
# `handmatig`). Checked before THEMA_REGELS.
THEMA_EIGENNAMEN = [
    (r"^Avalex$|^Gevudo$|ReinUnie|^Reiniging Blink$", "7.3", "afvalinzameling en -verwerking"),
    (
        r"^De Welplaat$|Drechtwerk|Felua|Permar|^SWA |Westrom|TOP-Craft|Tomingroep|Ergon",
        "6.4",
        "sociale werkvoorziening (WSW-bedrijf)",
    ),
    (r"^DSW Rijswijk$", "6.4", "Dienst Sociale Werkvoorziening"),
    (r"^Kompas$", "6.3", "intergemeentelijke sociale dienst (DSTA-lijst: 'GR ISD Kompas')"),
    (r"Orionis|Pentasz", "6.3", "intergemeentelijke sociale dienst"),
    (r"Sabewa|Munitax|Locosensus|\bBsGW\b", "0.64", "belastingsamenwerking"),
    (
        r"^De Dommelvallei$",
        "0.4",
        "ambtelijke werkorganisatie van Geldrop-Mierlo, Nuenen en Son en Breugel",
    ),
    (r"^Hefpunt$", "0.64", "belastingkantoor van waterschappen"),
    (
        r"^PlusTeam$",
        "0.4",
        "naam noemt geen taak; als gedeelde bedrijfsvoering van twee gemeenten ingedeeld (onzeker)",
    ),
    (
        r"Van Beuningenfonds",
        "6.1",
        "fonds van één gemeente (Nunspeet); als samenkracht ingedeeld (onzeker)",
    ),
    (r"Stichting Klasse", "4.1", "toezicht op een stichting voor openbaar primair onderwijs"),
    (
        r"Harnaschpolder|Bergerden|Plaspoelpolder|Medel\b|Greenpark|Kaderregeling HAL",
        "3.2",
        "bedrijventerrein of glastuinbouwgebied",
    ),
    (r"^Peel 6\.1$", "0.1", "samenwerking van zes Peelgemeenten"),
    (r"H10\b", "0.4", "inkoopbureau"),
    (r"^Alblasserwaard Vijfheerenlanden$|^Holland-Rijnland$", "0.1", "regionale samenwerking"),
    (
        r"^BEL Combinatie$|^DUO\+$|^OVER-gemeenten$|^Meerinzicht$",
        "0.4",
        "ambtelijke werkorganisatie van de deelnemende gemeenten",
    ),
    (r"^Syntrophos$", "0.4", "gedeelde bedrijfsvoering (ICT, inkoop) van Twentse gemeenten"),
    (r"^Bijsterhuizen$|^Heesch West$|^Nieuw Reijerwaard$", "3.2", "bedrijventerrein"),
    (r"^Hameland$|^SOWECO$|^S\.W\.B\. ", "6.4", "sociale werkvoorziening (WSW-bedrijf)"),
    (r"^ISHW$", "6.3", "Intergemeentelijke Sociale Dienst Hoeksche Waard"),
    (r"^Zeeland Seaports$", "2.4", "havenbeheer"),
    (r"^Gasdistributie ", "0.8", "nutsbedrijf (gasdistributie); geen eigen taakveld"),
    (r"^Grondbank ", "7.4", "hergebruik van grond (grondbank)"),
]
THEMA_EIGENNAMEN = [(re.compile(p, re.I), code, wat) for p, code, wat in THEMA_EIGENNAMEN]
THEMA_REGELS = [(re.compile(p, re.I), code) for p, code in THEMA_REGELS]


def thema_uit_naam(naam, bron="OpenGR-naam"):
    """(taakveld code, basis) of a name by THEMA_EIGENNAMEN, else the first THEMA_REGELS
    rule that fits; None when none does. `bron` says whose name it is."""
    for patroon, code, wat in THEMA_EIGENNAMEN:
        if patroon.search(naam):
            return code, f"handmatig (themaregels.py THEMA_EIGENNAMEN): {wat}"
    for patroon, code in THEMA_REGELS:
        if m := patroon.search(naam):
            return code, f"{bron}: {citaat(naam, m, 20)} (THEMA_REGELS in themaregels.py)"
    return None
