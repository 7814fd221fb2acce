#!/usr/bin/env python3
"""Re-signs every events/github-*.json with the GITHUB_WEBHOOK_SECRET of events/env.json.

`sam local invoke` hands these files to the webhook function as they are, so their
X-Hub-Signature-256 (and, as GitHub also sends it, the SHA-1 X-Hub-Signature) must match their
body. Run this after editing a body. Files whose name contains "bad-signature" are left wrong on
purpose.
"""
import hashlib
import hmac
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
secret = json.loads((here / "env.json").read_text())["Parameters"]["GITHUB_WEBHOOK_SECRET"]
for path in sorted(here.glob("github-*.json")):
    event = json.loads(path.read_text())
    if "bad-signature" in path.name:
        continue
    body = event["body"].encode()
    event["headers"]["x-hub-signature"] = "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    event["headers"]["x-hub-signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    path.write_text(json.dumps(event, indent=2, ensure_ascii=False) + "\n")
    print("signed", path.name)
