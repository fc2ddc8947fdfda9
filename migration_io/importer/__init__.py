"""The import of a 中間標準レイアウト bundle (issue 19 item 2) and the round trip (item 5).

- ``readers``: streaming CSV (cp932 / UTF-8) and XML readers that refuse hostile files
  (DOCTYPE, entities, network, size) and report broken bytes by line;
- ``checks``: every item against the layout (type, length, required, code lists, dates,
  和暦 with the 2-digit 年号コード, check digits, control characters, formula cells);
- ``report``: the findings in Japanese by file, line and item, kept as JSON beside the job
  and offered as CSV (``tenants.csvout``) and on the screen;
- ``run``: one transaction: stage every record by COPY (``juminkiroku.public.iko_begin``),
  the registry's own checks across files, then the set-based load, or nothing (a dry run,
  or any error);
- ``jobkind``, ``views``: the job (upload → job with progress) and its screens;
- ``roundtrip``: export → import into a scratch town → export → compare item by item.
"""
