# La página de estado de las traducciones (/<lang>/translations/), para quienes traducen.
translations-title = Estado de las traducciones
translations-intro = Qué páginas de este sitio están traducidas al español, cuáles quedaron desactualizadas y cuáles todavía muestran el original. `aula check` muestra la misma lista.
translations-coverage = { $percent } % traducido: { $done } de { $total ->
    [one] 1 página
   *[other] { $total } páginas
}.
translations-nothing = Todas las páginas de este sitio se escribieron en español: no hay nada que traducir.
translations-missing = Sin traducir
translations-missing-intro = Quienes lean ven el original, con un aviso.
translations-stale = Desactualizadas
translations-stale-intro = El original cambió después de hacer la traducción. Actualicen la traducción y luego ejecuten `aula i18n mark` sobre ella.
translations-unrecorded = Sin registro
translations-unrecorded-intro = Estas traducciones no indican de qué versión del original salen. Ejecuten `aula i18n mark` sobre cada una cuando esté al día.
translations-current = Al día
translations-original = Original ({ $language })
translations-file = Archivo
