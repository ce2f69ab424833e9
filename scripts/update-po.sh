#!/bin/bash
# Refresh the message catalogues after source strings changed: the template
# (po/naccs-auth.pot), ja.po merged (new strings then need translating: see
# `msgfmt --statistics po/ja.po`), and en.po regenerated (English = msgid).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/build.sh" >/dev/null
make -C "$top/_build/po" update-po >/dev/null
header=$(sed -n '1,/^$/p' "$top/po/en.po")
{
	printf '%s\n' "$header"
	msgen "$top/po/naccs-auth.pot" | sed '1,/^$/d'
} >"$top/po/en.po.new"
mv "$top/po/en.po.new" "$top/po/en.po"
for l in ja en; do
	printf '%s: ' "$l"
	msgfmt -c --statistics -o /dev/null "$top/po/$l.po"
done
