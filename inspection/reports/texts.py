"""The words of the report documents, in Dutch (the default) and English."""

from __future__ import annotations

from geodata.colours import STATUS_COLOURS
from inspection.vocabulary import STATUS_LABELS

OUTCOMES = {
    "nl": {
        "pass": "voldoet",
        "fail": "voldoet niet",
        "not_applicable": "niet van toepassing",
        "unanswered": "niet beantwoord",
    },
    "en": {
        "pass": "meets",
        "fail": "does not meet",
        "not_applicable": "not applicable",
        "unanswered": "not answered",
    },
}

SEVERITIES = {
    "nl": {"critical": "kritiek", "major": "ernstig", "minor": "gering"},
    "en": {"critical": "critical", "major": "major", "minor": "minor"},
}

STATES = {
    "nl": {
        "concept": "concept",
        "hearing": "in hoor en wederhoor",
        "adopted": "vastgesteld",
        "published": "gepubliceerd",
    },
    "en": {
        "concept": "draft",
        "hearing": "in the hearing",
        "adopted": "adopted",
        "published": "published",
    },
}

FINDING_STATES = {
    "nl": {
        "open": "open",
        "resolved": "opgelost",
        "lapsed": "vervallen",
        "withdrawn": "ingetrokken",
    },
    "en": {
        "open": "open",
        "resolved": "resolved",
        "lapsed": "lapsed",
        "withdrawn": "withdrawn",
    },
}

# Where room is short (the summary's badge, table headings).
SHORT_STATUSES = {
    "nl": {
        "critical": "Kritiek",
        "below_norm": "Onder de norm",
        "incomplete": "Onvolledig",
        "meets_norms": "Voldoet",
        "not_inspected": "Niet geïnspecteerd",
    },
    "en": {
        "critical": "Critical",
        "below_norm": "Below the norms",
        "incomplete": "Incomplete",
        "meets_norms": "Meets the norms",
        "not_inspected": "Not inspected",
    },
}

# The column headings of the count items in "Children counted" (the catalogue's labels are
# whole questions); an item not named here is headed by its label.
COUNT_HEADINGS = {
    "nl": {
        "children_over_stay_limit": "Langer dan de verblijfstermijn",
        "school_age_children_without_school_over_90_days": "Meer dan 90 dagen zonder school",
        "children_moved_over_limit": "Vaker dan 2 keer verhuisd",
    },
    "en": {
        "children_over_stay_limit": "Beyond the stay limit",
        "school_age_children_without_school_over_90_days": "Over 90 days without school",
        "children_moved_over_limit": "Moved more than twice",
    },
}

TEXTS = {
    "nl": {
        "visit_title": "Inspectierapport",
        "concept": "CONCEPT",
        "location": "Locatie",
        "type": "Type",
        "municipality": "Gemeente",
        "province": "Provincie",
        "visit": "Bezoek",
        "inspector": "Inspecteur",
        "norm_set": "Normenkader",
        "state": "Status van het rapport",
        "reaction_due": "Reactie mogelijk tot en met",
        "summary": "Samenvatting",
        "status": "Oordeel",
        "score": "Score",
        "coverage": "Ingevuld",
        "children": "Aanwezige kinderen",
        "norm": "Norm",
        "requirement": "Eis",
        "found": "Aangetroffen",
        "outcome": "Uitkomst",
        "severity": "Ernst",
        "critical_breach": "kritieke grens overschreden",
        "notes": "Aantekeningen van de inspecteur",
        "photos": "Foto's",
        "photo_of": "bij",
        "failed": "Tekortkomingen",
        "failed_intro": (
            "Normen waaraan de locatie bij dit bezoek niet voldeed, de ernstigste eerst."
        ),
        "none_failed": "De locatie voldeed bij dit bezoek aan alle beoordeelde normen.",
        "findings": "Bevindingen en termijnen",
        "findings_intro": "Per tekortkoming de bevinding die dit bezoek opende of bevestigde: "
        "de locatie herstelt haar uiterlijk op de termijndatum; een volgend bezoek dat aan "
        "de norm voldoet, lost haar op. Stand op",
        "finding": "Bevinding",
        "opened_here": "geopend bij dit bezoek",
        "confirmed": "bevestigd (eerder geopend)",
        "opened": "Geopend",
        "deadline": "Termijn tot",
        "finding_state": "Stand",
        "overdue_state": "open, termijn verstreken",
        "no_finding": "geen bevinding vastgelegd",
        "resolved": "Opgeloste bevindingen",
        "resolved_intro": "Bevindingen van deze locatie die bij dit bezoek zijn opgelost: "
        "de locatie voldeed weer aan de norm.",
        "resolved_on": "Opgelost op",
        "per_domain": "Per domein",
        "hearing": "Hoor en wederhoor",
        "reaction": "Reactie van de locatie",
        "corrections": "Correcties per norm",
        "no_reaction": "De locatie heeft niet gereageerd.",
        "handling": "Hoe de reactie is gewogen",
        "adopted_on": "Vastgesteld op",
        "published_on": "Gepubliceerd op",
        "page": "Pagina",
        "of": "van",
        "generated": "Opgemaakt op",
        "masked_note": "Vertrouwelijke locatie: naam, code, ligging en foto's zijn weggelaten.",
        "national_title": "Landelijk beeld: kinderen in de asielopvang",
        "as_of": "Peildatum",
        "by_status": "Locaties naar oordeel en type",
        "total": "Totaal",
        "children_below": "Kinderen in locaties onder de norm en in kritieke locaties",
        "children_below_short": "Kinderen onder de norm",
        "children_critical_short": "waarvan kritiek",
        "locations_below_short": "Locaties onder de norm",
        "per_type": "Per type",
        "per_province": "Per provincie",
        "map_title": "Aandeel kinderen in locaties onder de norm, per provincie",
        "top_norms": "Normen waaraan de meeste locaties niet voldoen",
        "locations": "Locaties",
        "children_there": "Kinderen daar",
        "findings_open": "Openstaande en verlopen bevindingen",
        "open": "Openstaand",
        "overdue": "Termijn verstreken",
        "trend": "Verloop over de laatste 8 kwartalen",
        "quarter": "Kwartaal",
        "critical_locations": "Kritieke locaties",
        "no_critical": "Op de peildatum was geen locatie kritiek.",
        "last_visit": "Laatste bezoek",
        "failed_norms": "Niet gehaalde normen",
        "critical_norms": "Kritiek niet gehaald",
        "source": "Bron: de inspecties in deze dienst, zoals de exports op dezelfde peildatum.",
        "not_inspected_note": "Locaties zonder inspectie tellen als nog niet geïnspecteerd.",
        "legend_none": "geen locaties",
        "critical_more": "en nog {n} kritieke locaties met minder kinderen; de export met "
        "status=critical noemt ze allemaal.",
        "critical_intro": "De kritieke locaties met de meeste kinderen, per provincie.",
        "col_below_norm": "Onder de norm",
        "col_critical": "Kritiek",
        "counted": "Kinderen geteld",
        "counted_intro": "Met een norm vraagt normenkader {version} aantallen die niet worden "
        "gescoord maar meetellen in de landelijke cijfers: hoeveel kinderen een grens "
        "overschrijden. Per locatie telt het laatste bezoek tot en met de peildatum dat de vraag "
        "beantwoordde, zoals bij de aanwezige kinderen: een later bezoek dat de vraag openliet, "
        "wist het getal niet, en een bezoek na de peildatum telt niet.",
        "counted_scope": "Een aantal wordt alleen gevraagd bij de typen locaties waar zijn norm "
        "geldt (–: daar niet gevraagd). Locaties zonder bezoek op {version} tellen niets: daar is "
        "het nog niet gevraagd. Locaties met antwoord: die ten minste één van deze vragen "
        "beantwoordden. Aanwezige kinderen: alle kinderen op de locaties van de rij, ter "
        "vergelijking.",
        "counted_not_asked": "Op de peildatum gold normenkader {version}; dat vraagt deze "
        "aantallen niet.",
        "counted_from": "Ze worden gevraagd vanaf normenkader {version} ({day}).",
        "counted_questions": "Wat er geteld wordt",
        "count": "Aantal",
        "question": "Vraag",
        "asked_with": "Gevraagd bij",
        "locations_answered": "Locaties met antwoord",
        "locations_asked": "Locaties waar gevraagd",
    },
    "en": {
        "visit_title": "Inspection report",
        "concept": "DRAFT",
        "location": "Location",
        "type": "Type",
        "municipality": "Municipality",
        "province": "Province",
        "visit": "Visit",
        "inspector": "Inspector",
        "norm_set": "Norm set",
        "state": "Report state",
        "reaction_due": "Reactions possible until",
        "summary": "Summary",
        "status": "Verdict",
        "score": "Score",
        "coverage": "Answered",
        "children": "Children present",
        "norm": "Norm",
        "requirement": "Requirement",
        "found": "Found",
        "outcome": "Outcome",
        "severity": "Severity",
        "critical_breach": "critical bound breached",
        "notes": "Inspector's notes",
        "photos": "Photos",
        "photo_of": "for",
        "failed": "Shortcomings",
        "failed_intro": "Norms the location did not meet at this visit, most severe first.",
        "none_failed": "The location met every assessed norm at this visit.",
        "findings": "Findings and deadlines",
        "findings_intro": "For each shortcoming, the finding this visit opened or confirmed: "
        "the location repairs it by the deadline; a later visit that finds the norm met "
        "resolves it. State on",
        "finding": "Finding",
        "opened_here": "opened at this visit",
        "confirmed": "confirmed (opened before)",
        "opened": "Opened",
        "deadline": "Deadline",
        "finding_state": "State",
        "overdue_state": "open, overdue",
        "no_finding": "no finding recorded",
        "resolved": "Findings resolved",
        "resolved_intro": "Findings of this location resolved at this visit: the location met "
        "the norm again.",
        "resolved_on": "Resolved on",
        "per_domain": "Per domain",
        "hearing": "Hearing",
        "reaction": "The location's reaction",
        "corrections": "Corrections per norm",
        "no_reaction": "The location did not react.",
        "handling": "How the reaction was weighed",
        "adopted_on": "Adopted on",
        "published_on": "Published on",
        "page": "Page",
        "of": "of",
        "generated": "Produced on",
        "masked_note": "Confidential location: name, code, position and photos are left out.",
        "national_title": "National picture: children in asylum reception",
        "as_of": "Reference date",
        "by_status": "Locations by verdict and type",
        "total": "Total",
        "children_below": "Children in locations below the norms and in critical locations",
        "children_below_short": "Children below the norms",
        "children_critical_short": "of which critical",
        "locations_below_short": "Locations below the norms",
        "per_type": "Per type",
        "per_province": "Per province",
        "map_title": "Share of children in locations below the norms, per province",
        "top_norms": "Norms failed at the most locations",
        "locations": "Locations",
        "children_there": "Children there",
        "findings_open": "Open and overdue findings",
        "open": "Open",
        "overdue": "Overdue",
        "trend": "The last 8 quarters",
        "quarter": "Quarter",
        "critical_locations": "Critical locations",
        "no_critical": "No location was critical on the reference date.",
        "last_visit": "Last visit",
        "failed_norms": "Norms not met",
        "critical_norms": "Critically failed",
        "source": "Source: the inspections in this service, as the exports on the same date.",
        "not_inspected_note": "Locations without an inspection count as not inspected yet.",
        "legend_none": "no locations",
        "critical_more": "and {n} more critical locations with fewer children; the export with "
        "status=critical lists them all.",
        "critical_intro": "The critical locations with the most children, by province.",
        "col_below_norm": "Below the norms",
        "col_critical": "Critical",
        "counted": "Children counted",
        "counted_intro": "With a norm, norm set {version} asks numbers that are not scored but "
        "feed the national figures: how many children a limit leaves out. Each location counts "
        "with its latest visit up to the reference date that answered the question, as for the "
        "children present: a later visit that left it open does not erase the number, and a "
        "visit after the reference date does not count.",
        "counted_scope": "A number is asked only at the types of location where its norm "
        "applies (–: not asked there). Locations without a visit on {version} count nothing: "
        "they have not been asked yet. Locations that answered: those that answered at least "
        "one of these questions. Children present: all children at the row's locations, for "
        "scale.",
        "counted_not_asked": "On the reference date norm set {version} was in force, which does "
        "not ask these numbers.",
        "counted_from": "They are asked from norm set {version} on ({day}).",
        "counted_questions": "What is counted",
        "count": "Count",
        "question": "Question",
        "asked_with": "Asked with",
        "locations_answered": "Locations that answered",
        "locations_asked": "Locations where asked",
    },
}


def texts(lang: str) -> dict[str, object]:
    """Everything a template needs to speak ``lang``."""
    return {
        "t": TEXTS[lang],
        "outcomes": OUTCOMES[lang],
        "severities": SEVERITIES[lang],
        "states": STATES[lang],
        "finding_states": FINDING_STATES[lang],
        "statuses": STATUS_LABELS[lang],
        "short_statuses": SHORT_STATUSES[lang],
        # The maps' palette, so that a status has one colour wherever it is shown.
        "status_colours": STATUS_COLOURS,
        "lang": lang,
    }
