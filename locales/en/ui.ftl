# UI strings of the site's pages, in English (the default language).
language-name = English
choose-language = Read in English
site-tagline = Hands-on articles with runnable labs
skip-to-content = Skip to content
nav-home = Home
nav-sections = Sections
nav-about = About
nav-tags = Tags
nav-language = Language
nav-breadcrumbs = Breadcrumbs
heading-anchor = Link to this section
toc-title = On this page
reading-time = { $minutes ->
    [one] 1 minute read
   *[other] { $minutes } minute read
}
minutes = { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}
articles-count = { $count ->
    [one] 1 article
   *[other] { $count } articles
}
published-on = Published { $date }
updated-on = Last updated { $date }
level-beginner = Beginner
level-intermediate = Intermediate
level-advanced = Advanced
level-label = Level
learning-path = Learning path
learning-path-intro = Follow the articles in this order; each builds on the one before.
learning-path-total = { $minutes ->
    [one] About 1 minute in all
   *[other] About { $minutes } minutes in all
}
step = Step { $step } of { $steps }
previous-article = Previous
next-article = Next
tags-title = Tags
tag-title = Articles tagged
tagged-count = { $count ->
    [one] 1 article with this tag
   *[other] { $count } articles with this tag
}
feed-title = Atom feed
not-found-title = Page not found
not-found-body = There is no page at this address. It may have moved, or the link may be mistyped.
not-found-home = Go to the home page
# The other language is named in the reader's language ($lang is its code; $language its own name,
# used for languages this file does not name).
fallback-notice = This article has not been translated into English yet. You are reading the original in { $lang ->
    [es] Spanish
    [en] English
   *[other] { $language }
}.
fallback-original = Read the original
stale-notice = The original of this translation (in { $lang ->
    [es] Spanish
    [en] English
   *[other] { $language }
}) has changed since it was translated; some parts may be out of date.
# The course's structure (templates/partials/course-intro.html).
verified-against = Verified against { $tools } on { $date }.
learn-title = You will learn
prerequisites-title = Before you start
stale-original = See the updated original
progress-mark-read = Mark as read
progress-read = Read
progress-section = { $total ->
    [one] { $done } of 1 read
   *[other] { $done } of { $total } read
}
progress-lab-done = Lab completed
theme-light = Light theme
theme-dark = Dark theme
nav-menu = Sections menu
search-open = Search
theme-switch-to-dark = , switch to the dark theme
theme-switch-to-light = , switch to the light theme
home-start = Start the course
home-continue = Continue: { $title }
home-lab-title = Try a lab
home-lab-where = From the article “{ $title }”.
home-lab-open = Open the lab
home-intro-title = About this course
not-found-search = Search the course
search-label = Search the course
search-placeholder = Search…
search-no-results = No results for “{ $query }”.
copy-code = Copy
copied-code = Copied
code-language = Code: { $language }
footer-license = Articles under CC BY 4.0, code under MIT.
date-long = { $month } { $day }, { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# The lab widget.
lab-ui-heading = Lab
lab-ui-run = Run
lab-ui-reset = Reset
lab-ui-running = Running…
lab-ui-done = Done.
lab-ui-timeout = The lab took too long and was stopped.
lab-ui-failed = The lab could not run: { $reason }
lab-ui-busy = The lab runner is busy; try again in a moment.
lab-ui-offline = This page is served as static files, so labs cannot run here. The output below was recorded when the site was built. To run labs yourself, clone the course and run:
lab-ui-offline-short = Labs cannot run on this static copy of the site; see the note below.
lab-ui-invalid = Some inputs need fixing.
lab-ui-truncated = the lab printed more than { $limit } bytes, so its output was truncated
lab-ui-json-only = The lab runner accepts only JSON (Content-Type: application/json).
lab-ui-too-large = The request is larger than { $limit } bytes.
lab-ui-bad-request = The request is not a JSON object with "lang" and "input".
lab-ui-output = Output
lab-ui-recorded = Recorded output of this example
lab-ui-example = Example: { $name }
lab-ui-inputs = Inputs
lab-error-required = A value is required.
lab-error-number = Enter a number.
lab-error-min = Must be at least { $limit }.
lab-error-max = Must be at most { $limit }.
lab-error-text = Enter text.
lab-error-too-long = Must be at most { $limit } characters.
lab-error-option = Choose one of the options.
lab-error-checkbox = Must be checked or unchecked.
lab-error-unknown = This is not an input of the lab.
lab-error-json = This is not valid JSON.
# Reader experience: search, progress, code blocks, charts.
search-help = Results appear below as you type; press the down arrow to move into them.
search-loading = Searching…
search-count = { $count ->
    [one] 1 result
   *[other] { $count } results
}
search-more = More results
search-unavailable = Search is not available on this page right now.
copy-failed = Could not copy; select the code and copy it by hand.
all-tags = All tags
lab-ui-live = Output of your run
lab-ui-series = Series
lab-verdict-pass = Pass
lab-verdict-fail = Fail
lab-verdict-warn = Warning
lab-verdict-info = Note
lab-chart-label = Chart: { $title }. Horizontal axis: { $x }. Vertical axis: { $y }. The data is also in the table that follows.
lab-ui-chart-data = Show the data
