"""外国人住民の連携 with 出入国在留管理庁 (標準仕様書 4.5.6, 4.5.7).

- ``torikomi``  長官通知 (住基法 第30条の50) taken in: matched, turned into a 仮登録
- ``shichoson`` 市町村通知 (入管法 第61条の8の2) queued from the 本登録 of 異動
"""
