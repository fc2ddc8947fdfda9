"""CSV形式のデータの取込 (住民記録システム標準仕様書 10.8): the four layouts and their reader.

``layouts`` holds the layouts as data; ``reader`` reads an uploaded file against one of
them and returns checked records (or every error by file, line and item); what a record
pre-fills is decided by the screens (``juminkiroku.views.csvin``). Nothing here writes.
"""
