# The lab widget's result-first layout (templates/partials/lab.html, static/lab.js).
lab-ui-examples = Examples
lab-ui-more-options = More options
lab-ui-more-output = The full answer ({ $count } more)
lab-ui-static-note = Recorded answers: pick an example to see another. To try your own inputs,
lab-ui-static-help = run the course on your computer.
lab-ui-stale = This answer does not match the form any more: the last run did not finish.
lab-ui-edited = You changed the inputs: run the lab to update this answer.
lab-ui-unreachable = Could not connect to the preview server. Is `aula serve` still running? Start it again and retry.
lab-ui-hosted-unreachable = The lab runner cannot be reached right now, so the recorded examples are shown instead.
lab-ui-hosted-busy = The lab runner is busy right now, so the recorded examples are shown instead. Try again in a minute.
lab-chart-explore = Chart: { $title }. Hover or use the arrow keys to read exact values.
lab-chart-log = log scale
