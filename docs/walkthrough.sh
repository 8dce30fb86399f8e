#!/usr/bin/env bash
# The README's first walk-through, as a script you can run against your own Holdfast: it creates everything it
# uses (a team, a channel, a post for tomorrow), prints each step's answer, and stops at the first step that does
# not answer as the README says. test/readme-walkthrough.e2e-spec.ts runs it against a fresh service on every
# `npm test`, and checks that the README's blocks quoted from it are still here word for word.
#
#   ADMIN=hf_... docs/walkthrough.sh                       # against http://localhost:3000
#   HOLDFAST_URL=http://localhost:3001 ADMIN=hf_... docs/walkthrough.sh
#
# Needs bash, curl, jq and node (for dates relative to now). It changes the workspace: it adds four members and
# a channel, sets the approval policy to one approval, and flips the crisis switch on and off (audited, with a
# report); the post it plans is cancelled at the end, so nothing is published.
set -euo pipefail

# ---- setup
HF=${HOLDFAST_URL:-http://localhost:3000}
: "${ADMIN:?set ADMIN to the admin API key from the first-start banner}"
H='Content-Type: application/json'    # for the other README examples, which call curl directly
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# api STATUS METHOD PATH KEY [JSON]: one call with `Authorization: Bearer KEY`; prints the answer, keeps it in
# $ANSWER, and fails when the status is not STATUS (which stops the script; pasted in a shell, it only returns 1).
api() {
  local expected=$1 method=$2 path=$3 key=$4 body=${5:-} status
  local args=(-s -o "$WORK/answer" -w '%{http_code}' -X "$method" "$HF$path")
  if [ -n "$key" ]; then args+=(-H "Authorization: Bearer $key"); fi
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' -d "$body"); fi
  status=$(curl "${args[@]}")
  ANSWER=$(cat "$WORK/answer")
  echo "$method $path -> $status"
  if [ -n "$ANSWER" ]; then (jq -c . <<<"$ANSWER" 2>/dev/null || head -n 12 <<<"$ANSWER") | cut -c1-400; fi
  if [ "$status" != "$expected" ]; then
    echo "walkthrough: $method $path answered $status, the README says $expected" >&2
    return 1
  fi
}

# field JQ: a value of the last answer.
field() { jq -r "$1" <<<"$ANSWER"; }

# check JQ EXPECTED: stops the walk-through when the last answer's JQ is not EXPECTED.
check() {
  local got
  got=$(jq -c "$1" <<<"$ANSWER")
  if [ "$got" != "$2" ]; then
    echo "walkthrough: $1 is $got, the README says $2" >&2
    return 1
  fi
}

step() { printf '\n== %s\n' "$1"; }

# ---- health
step '1. Is it up? (503 when the database does not answer)'
api 200 GET /health ''
check .status '"ok"'

# ---- team
step '2. The admin adds the team; each answer carries the API key (shown this once) and an invite link'
api 201 POST /api/members "$ADMIN" '{"name":"Mia Marketer","email":"mia@example.com","roles":["marketer"]}'
MARKETER=$(field .apiKey.key); MARKETER_KEY_ID=$(field .apiKey.id); INVITE_URL=$(field .invite.url)
api 201 POST /api/members "$ADMIN" '{"name":"Ana Approver","email":"ana@example.com","roles":["approver"]}'
APPROVER=$(field .apiKey.key)
api 201 POST /api/members "$ADMIN" '{"name":"Leo Lead","email":"leo@example.com","roles":["crisis_lead"]}'
LEAD=$(field .apiKey.key)
api 201 POST /api/members "$ADMIN" '{"name":"Val Viewer","email":"val@example.com","roles":["viewer"]}'
VIEWER=$(field .apiKey.key)

# ---- invite
step '3. Mia opens her invite link and chooses a password (here by API; the console does the same; -f: stop unless 2xx)'
TOKEN=${INVITE_URL##*/}
curl -sf -X POST "$HF/api/auth/invites/$TOKEN/accept" -H 'Content-Type: application/json' -H "Origin: $HF" \
  -d '{"password":"lantern orchard quietly 42"}' -c "$WORK/cookies.txt" | jq -c '{member: .member.name, roles, csrfToken: (.csrfToken | length > 0)}'
api 200 GET /api/members/me "$MARKETER"
check .name '"Mia Marketer"'

# ---- channel
step '4. The admin connects a Mastodon account; credentials are encrypted at rest and never returned'
MASTODON_URL=${MASTODON_URL:-https://mastodon.social}
MASTODON_TOKEN=${MASTODON_TOKEN:-your-mastodon-access-token}
api 201 POST /api/channels "$ADMIN" '{"platform":"mastodon","name":"Brand on Mastodon","handle":"@brand@mastodon.social",
  "credentials":{"instanceUrl":"'"$MASTODON_URL"'","accessToken":"'"$MASTODON_TOKEN"'"}}'
CHANNEL=$(field .id)
check .credentialFields '["accessToken","instanceUrl"]'

# ---- channels-roles
step '5. Any member lists the channels; a marketer cannot add one (403)'
api 200 GET /api/channels "$VIEWER"
api 403 POST /api/channels "$MARKETER" '{"platform":"mastodon","name":"Mine","handle":"@me@mastodon.social",
  "credentials":{"instanceUrl":"https://mastodon.social","accessToken":"x"}}'

# ---- policy
step '6. The admin asks for one approval before a post goes out (default 0: marketers schedule directly)'
api 200 PUT /api/approval-policy "$ADMIN" '{"approvalsRequired":1,"crisisLevel1":1,"crisisLevel2":1,"crisisLevel3":2}'

# ---- post
step '7. Mia plans a post for tomorrow at 09:00 UTC, shown in Madrid time; it waits for approval'
TOMORROW=$(node -p 'new Date(Date.now() + 86400e3).toISOString().slice(0, 10)')
api 201 POST /api/posts "$MARKETER" '{"text":"Autumn menu: chestnuts are back","channelIds":["'"$CHANNEL"'"],
  "scheduledAt":"'"$TOMORROW"'T09:00:00Z","timeZone":"Europe/Madrid","labels":["autumn"]}'
POST=$(field .id)
check .status '"pending_approval"'

# ---- calendar
step '8. The calendar for the coming week, grouped by day in Madrid'
FROM=$(node -p 'new Date().toISOString()'); TO=$(node -p 'new Date(Date.now() + 7 * 86400e3).toISOString()')
api 200 GET "/api/posts?from=$FROM&to=$TO&groupBy=day&tz=Europe/Madrid" "$MARKETER"

# ---- approve
step '9. Ana sees what waits and approves it (nobody approves what they wrote); it is scheduled'
api 200 GET /api/approvals "$APPROVER"
api 200 POST "/api/posts/$POST/approve" "$APPROVER" '{"comment":"Good to go"}'
api 200 GET "/api/posts/$POST" "$MARKETER"
check .status '"scheduled"'

# ---- crisis
step '10. Leo flips the crisis switch: what was going out is held'
api 201 POST /api/crisis/activate "$LEAD" '{"reason":"Customer data exposed","level":2}'
CRISIS=$(field .crisis.id)
check .held.deliveries 1
api 200 GET /api/crisis "$VIEWER"
api 200 GET "/api/posts/$POST" "$MARKETER"
check '[.deliveries[].state]' '["held"]'

# ---- crisis-end
step '11. Leo ends the crisis: held deliveries still ahead resume; the report says what happened'
api 200 POST /api/crisis/deactivate "$LEAD" '{"note":"Contained","resumeCampaigns":true}'
api 200 GET "/api/posts/$POST" "$MARKETER"
check '[.deliveries[].state]' '["scheduled"]'
api 200 GET "/api/crises/$CRISIS/report?format=markdown" "$VIEWER"

# ---- audit
step '12. The audit trail (admin): every change, who, when; and the hash chain holds'
api 200 GET '/api/audit?limit=5' "$ADMIN"
api 200 GET /api/audit/verify "$ADMIN"
check .ok true

# ---- cancel
step '13. Mia cancels the post: once answered, it never goes out'
api 200 DELETE "/api/posts/$POST" "$MARKETER"
check '[.deliveries[].state]' '["cancelled"]'

# ---- revoke
step "14. The admin revokes Mia's key (204); it answers 401 from then on"
api 204 DELETE "/api/api-keys/$MARKETER_KEY_ID" "$ADMIN"
api 401 GET /api/members/me "$MARKETER"

printf '\nwalkthrough: every step answered as the README says\n'
