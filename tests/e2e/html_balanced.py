#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Is every element of an HTML page closed, in order?  Browsers repair
unbalanced markup silently (a missing </td> still renders), so the tests
ask this of netscope's pages.  Prints one line per problem; exit 1 if any.

    html_balanced.py PAGE.html
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# SVG elements written self-closing (<rect .../>) report no end tag
SELF_CLOSING_OK = {"rect", "circle", "line", "path"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and tag not in SELF_CLOSING_OK:
            self.problems.append(f"{self.getpos()}: <{tag}/> self-closed")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append(f"{self.getpos()}: </{tag}> closes nothing")
            return
        top, pos = self.stack.pop()
        if top != tag:
            self.problems.append(f"{self.getpos()}: </{tag}> closes <{top}> of {pos}")


def main():
    p = Balance()
    with open(sys.argv[1], encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    for tag, pos in p.stack:
        p.problems.append(f"{pos}: <{tag}> never closed")
    for line in p.problems[:20]:
        print(line)
    sys.exit(1 if p.problems else 0)


if __name__ == "__main__":
    main()
