#!/usr/bin/env bash
# trust-curves.sh: draw the four trust curves of src/policy/trust.h as an
# SVG (docs/images/trust-curves.svg, shown by docs/reconciliation.md), from
# the same formulas, starting at 1 and decaying to 0 over the period.
#
#   tools/trust-curves.sh > docs/images/trust-curves.svg
set -euo pipefail
awk 'BEGIN {
  W = 640; H = 400; L = 60; R = 180; T = 30; B = 50
  pw = W - L - R; ph = H - T - B
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\n", W, H, W, H
  printf "<title>Trust curves: trust from its maximum to its minimum over the decay period</title>\n"
  printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
  for (i = 0; i <= 4; i++) {
    y = T + ph - ph * i / 4; x = L + pw * i / 4
    printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, y, L + pw, y
    printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 8, y + 4, i == 0 ? "min" : i == 4 ? "start" : ""
    printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>\n", x, T + ph + 20, i * 25
  }
  printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">age, as a share of the decay period</text>\n", L + pw / 2, H - 8
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, T + ph, L + pw, T + ph
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, T, L, T + ph
  split("linear exponential fast-then-slow slow-then-fast", name, " ")
  split("#1f77b4 #d62728 #2ca02c #9467bd", colour, " ")
  split("none 6,4 2,3 10,3,2,3", dash, " ")
  for (c = 1; c <= 4; c++) {
    pts = ""
    for (k = 0; k <= 100; k++) {
      x = k / 100
      if (c == 1) f = 1 - x
      else if (c == 2) f = (exp(-5 * x) - exp(-5)) / (1 - exp(-5))
      else if (c == 3) f = (1 - x) * (1 - x)
      else f = 1 - x * x
      pts = pts sprintf("%.1f,%.1f ", L + pw * x, T + ph - ph * f)
    }
    printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s/>\n", pts, colour[c], dash[c] == "none" ? "" : " stroke-dasharray=\"" dash[c] "\""
    ly = T + 20 + 26 * (c - 1)
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"%s/>\n", W - R + 15, ly, W - R + 45, ly, colour[c], dash[c] == "none" ? "" : " stroke-dasharray=\"" dash[c] "\""
    printf "<text x=\"%d\" y=\"%d\">%s</text>\n", W - R + 52, ly + 4, name[c]
  }
  printf "</svg>\n"
}'
