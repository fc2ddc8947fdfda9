"""EUC extraction over the 中間標準レイアウト (issue 19 item 6).

A clerk holding 住民記録's EUC grant picks a layout file, its items (個人番号 only with the
grant 個人番号の表示), filters (equals / range / contains, checked per item type) and a
sort order, sees the first rows, and starts a job that writes the whole result as CSV
(``tenants.csvout``) or XLSX (openpyxl), reading on a read-only connection
(``migration_io.euc.readonly``). Persons under an active 照会抑止 or 支援措置 are never
extracted (``juminkiroku.public.euc_hidden_atena_nos``). Every extraction is written to
the access log with its items and row count; each download again.
"""
