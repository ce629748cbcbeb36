#!/bin/sh
# Reads the API call document (base64 of JSON) on stdin and logs who was created.
doc="$(base64 -d)"
echo "new user request: $doc"
