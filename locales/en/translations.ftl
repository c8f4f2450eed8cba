# The translation-status page (/<lang>/translations/), for translators.
translations-title = Translation status
translations-intro = Which pages of this site are translated into English, which are out of date, and which still show the original. `aula check` lists the same.
translations-coverage = { $percent }% translated: { $done } of { $total ->
    [one] 1 page
   *[other] { $total } pages
}.
translations-nothing = Every page of this site was written in English: there is nothing to translate.
translations-missing = Not translated yet
translations-missing-intro = Readers get the original, with a notice.
translations-stale = Out of date
translations-stale-intro = The original changed after the translation was made. Update the translation, then run `aula i18n mark` on it.
translations-unrecorded = Not recorded
translations-unrecorded-intro = These translations do not say which version of the original they reflect. Run `aula i18n mark` on each once it is up to date.
translations-current = Up to date
translations-original = Original ({ $language })
translations-file = File
