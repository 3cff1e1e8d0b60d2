"""The one restrained palette of the app and the factsheet, as plain hex strings: the app's
theme and the factsheet's charts read the same values, so a chart on screen and on paper look
alike (DESIGN §8)."""

PRIMARY = "#2F5D8A"  # calm blue: selection, bars, headings
PRIMARY_LIGHT = "#DCE6F0"  # tinted backgrounds behind primary elements
ACCENT = "#E07B39"  # one warm accent: "missing", attention, the second series in charts
ERROR = "#B3261E"  # inline validation messages
SUCCESS = "#3A7D44"

GREY_900 = "#212529"  # body text
GREY_700 = "#495057"  # secondary text
GREY_500 = "#868E96"  # disabled text, hints
GREY_300 = "#CED4DA"  # borders, bar troughs
GREY_100 = "#F1F3F5"  # alternate rows, window background
WHITE = "#FFFFFF"

# Chart series in order (improved / stable / declined, or intake / last measurement …)
SERIES = (PRIMARY, ACCENT, GREY_500, "#7A9CC0", "#F0B48A")
