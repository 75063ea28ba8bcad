"""The pure scoring engine: norm set documents, rules, scoring, answer checks.

Plain functions over plain data: no Flask, no SQLAlchemy. Typical use::

    document = parse_norm_set(yaml.safe_load(text))      # NormSetError if invalid
    problems = validate_answers(answers, document)       # {} when valid
    score = score_answers(answers, document, "noodopvang")
    score.status, score.overall, score.to_dict()
"""

from .answers import validate_answers
from .document import (
    BASES,
    DEFAULT_FOLLOW_UP_DAYS,
    DEFAULT_WEIGHTS,
    ITEM_TYPES,
    LOCATION_TYPES,
    SEVERITIES,
    Choice,
    Domain,
    Item,
    Label,
    Norm,
    NormSetDocument,
    NormSetError,
    parse_norm_set,
)
from .findings import (
    FINDING_STATES,
    LAPSED,
    OPEN,
    RESOLVED,
    Assessment,
    Finding,
    Visit,
    derive_findings,
    visit_order,
)
from .letter_days import VisitLetters, folded_letter_days
from .picture import (
    NOT_INSPECTED,
    NormState,
    NormTrack,
    Picture,
    VisitResults,
    advance,
    current_picture,
    end_of_local_day,
    is_stale,
    outcome_letters,
    picture_from_tracks,
    result_letters,
    track_norms,
)
from .picture_days import DayPicture, days_from, days_of, picture_days
from .rules import FAIL, NOT_APPLICABLE, OUTCOMES, PASS, UNANSWERED
from .scoring import (
    BELOW_NORM,
    CRITICAL,
    INCOMPLETE,
    MEETS_NORMS,
    STATUSES,
    DomainScore,
    NormResult,
    Score,
    score_answers,
)
from .series import SeriesPoint, picture_series, results_from_letters
from .versions import AMSTERDAM, local_date, select_in_force

__all__ = [
    "AMSTERDAM",
    "BASES",
    "BELOW_NORM",
    "CRITICAL",
    "DEFAULT_FOLLOW_UP_DAYS",
    "DEFAULT_WEIGHTS",
    "FAIL",
    "FINDING_STATES",
    "INCOMPLETE",
    "ITEM_TYPES",
    "LAPSED",
    "LOCATION_TYPES",
    "MEETS_NORMS",
    "NOT_APPLICABLE",
    "NOT_INSPECTED",
    "OPEN",
    "OUTCOMES",
    "PASS",
    "RESOLVED",
    "SEVERITIES",
    "STATUSES",
    "UNANSWERED",
    "Assessment",
    "Choice",
    "DayPicture",
    "VisitLetters",
    "Domain",
    "DomainScore",
    "Finding",
    "Item",
    "Label",
    "Norm",
    "NormResult",
    "NormState",
    "NormTrack",
    "Picture",
    "VisitResults",
    "advance",
    "current_picture",
    "days_from",
    "days_of",
    "end_of_local_day",
    "is_stale",
    "outcome_letters",
    "result_letters",
    "folded_letter_days",
    "picture_days",
    "picture_from_tracks",
    "track_norms",
    "visit_order",
    "NormSetDocument",
    "NormSetError",
    "Score",
    "SeriesPoint",
    "Visit",
    "derive_findings",
    "local_date",
    "parse_norm_set",
    "picture_series",
    "results_from_letters",
    "score_answers",
    "select_in_force",
    "validate_answers",
    "visit_order",
]
