#!/usr/bin/env bash
# The man pages and completions are generated from the command definitions and committed:
# regenerate them and compare, so they can never go stale.
source "$(dirname "$0")/lib.sh"

mkdir man completions
run credit generate man --out man
expect_rc 0 "generate man"
run credit generate completions --out completions
expect_rc 0 "generate completions"
if diff -r man "$CREDIT_SOURCE_DIR/man" >diff.txt && diff -r completions "$CREDIT_SOURCE_DIR/completions" >>diff.txt; then
  pass
else
  fail "man/ or completions/ are stale: run 'credit generate man --out man && credit generate completions --out completions' in the source tree"
  head -40 diff.txt >&2
fi

# man credit has the sections users look for.
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "GLOBAL OPTIONS" ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
  grep -q "^\.SH $section\$" man/credit.1 && pass || fail "man credit lacks $section"
done
# Every exit code the binary documents is in the man page.
for code in 2 3 4 5 6 7 8 9; do
  grep -A1 "^\.B $code\$" man/credit.1 | grep -q . && pass || fail "exit code $code not documented"
done
# Every visible command has a page, and every option of `user add` is in its page.
for cmd in $(credit --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
  [[ -f man/credit-$cmd.1 ]] && pass || fail "no man page for $cmd"
done
grep -q 'dept' man/credit-user.1 && grep -q 'role' man/credit-user.1 && pass || fail "user page lacks options"
# The pages render without warnings.
if command -v groff >/dev/null; then
  for page in man/*.1; do
    warnings=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1)
    [[ -z "$warnings" ]] && pass || fail "groff warnings in $page: $warnings"
  done
fi

# Completions: bash offers subcommands and option values.
source completions/credit.bash
COMP_WORDS=(credit us); COMP_CWORD=1; _credit
[[ " ${COMPREPLY[*]} " == *" user "* ]] && pass || fail "bash completes 'us' to user: ${COMPREPLY[*]}"
COMP_WORDS=(credit user add x --role ""); COMP_CWORD=5; _credit
[[ " ${COMPREPLY[*]} " == *" reviewer "* ]] && pass || fail "bash completes --role values: ${COMPREPLY[*]}"
COMP_WORDS=(credit user ""); COMP_CWORD=2; _credit
[[ " ${COMPREPLY[*]} " == *" disable "* ]] && pass || fail "bash completes user subcommands: ${COMPREPLY[*]}"
bash -n completions/credit.bash && pass || fail "bash completion syntax"
if command -v zsh >/dev/null; then zsh -n completions/_credit && pass || fail "zsh completion syntax"; fi
if command -v fish >/dev/null; then fish -n completions/credit.fish && pass || fail "fish completion syntax"; fi

finish
