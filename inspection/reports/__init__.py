"""Reports: a visit's report from concept through the hearing to publication, its document,
and the national report.

``workflow`` holds the states and who may move a report on; ``views`` what each
reader sees of one; ``wording`` says what was found in words; ``visit`` and
``national`` gather what their documents show (``counted`` the national
report's "Children counted"), ``charts`` draws the map and
the trend, and ``rendering`` turns one template into HTML or PDF.
"""
