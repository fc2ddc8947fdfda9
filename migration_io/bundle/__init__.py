"""The signed exit bundle (issue 19 item 4): a finished export's files, a manifest of
them signed with the platform's Ed25519 key, and its verification.

- ``keys``: the key pair (settings ``JC_BUNDLE_SIGNING_KEY``; a development key made on
  first use under ``.data/keys/``), the public key and its id;
- ``sign``: ``bundle_sign(job)`` re-hashes every file of an export, writes
  ``bundle.json`` (layout versions, record counts, SHA-256 per file, town, time, product
  version, the public key) and its signature ``bundle.sig``; ``bundle_zip`` streams the
  whole as one ZIP;
- ``verify``: ``bundle_verify(path)`` checks the signature and every checksum of a ZIP or
  a folder and names what differs (``manage.py migration_bundle_verify PATH``).
"""
