select {{ 1 | uper }}
