"""The OpenRosa server: ODK Collect, KoboCollect and Enketo as clients of the service.

``xforms`` turns the norm set in force into one XForm per location type (with
pyxform), ``instances`` reads what the phones send back, ``receiving`` hands
it to the same submission and photo services as the JSON API, and ``routes``
is the thin blueprint at ``/openrosa``.
"""
