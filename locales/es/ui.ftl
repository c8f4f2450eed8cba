# Textos de la interfaz, en español (neutro latinoamericano).
language-name = Español
choose-language = Leer en español
site-tagline = Artículos prácticos con laboratorios ejecutables
skip-to-content = Saltar al contenido
nav-home = Inicio
nav-sections = Secciones
nav-about = Acerca del curso
nav-tags = Etiquetas
nav-language = Idioma
nav-breadcrumbs = Ruta de navegación
heading-anchor = Enlace a esta sección
toc-title = En esta página
reading-time = { $minutes ->
    [one] 1 minuto de lectura
   *[other] { $minutes } minutos de lectura
}
minutes = { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}
articles-count = { $count ->
    [one] 1 artículo
   *[other] { $count } artículos
}
published-on = Publicado el { $date }
updated-on = Última actualización: { $date }
level-beginner = Inicial
level-intermediate = Intermedio
level-advanced = Avanzado
level-label = Nivel
learning-path = Ruta de aprendizaje
learning-path-intro = Sigan los artículos en este orden; cada uno se apoya en el anterior.
learning-path-total = { $minutes ->
    [one] Alrededor de 1 minuto en total
   *[other] Alrededor de { $minutes } minutos en total
}
step = Paso { $step } de { $steps }
previous-article = Anterior
next-article = Siguiente
tags-title = Etiquetas
tag-title = Artículos con la etiqueta
tagged-count = { $count ->
    [one] 1 artículo con esta etiqueta
   *[other] { $count } artículos con esta etiqueta
}
feed-title = Feed Atom
not-found-title = Página no encontrada
not-found-body = No hay ninguna página en esta dirección. Puede que se haya movido o que el enlace tenga un error.
not-found-home = Ir a la página de inicio
# El otro idioma se nombra en el idioma de quien lee ($lang es su código; $language, su nombre
# propio, para idiomas que este archivo no nombra).
fallback-notice = Este artículo aún no está traducido al español. Están leyendo el original en { $lang ->
    [en] inglés
    [es] español
   *[other] { $language }
}.
fallback-original = Leer el original
stale-notice = El original de esta traducción (en { $lang ->
    [en] inglés
    [es] español
   *[other] { $language }
}) cambió después de traducirse; algunas partes pueden estar desactualizadas.
# La estructura del curso (templates/partials/course-intro.html).
verified-against = Verificado con { $tools } el { $date }.
learn-title = Lo que van a aprender
prerequisites-title = Antes de empezar
stale-original = Ver el original actualizado
progress-mark-read = Marcar como leído
progress-read = Leído
progress-section = { $total ->
    [one] { $done } de 1 leído
   *[other] { $done } de { $total } leídos
}
progress-lab-done = Laboratorio completado
theme-light = Tema claro
theme-dark = Tema oscuro
nav-menu = Menú de secciones
search-open = Buscar
theme-switch-to-dark = , cambiar al tema oscuro
theme-switch-to-light = , cambiar al tema claro
home-start = Empezar el curso
home-continue = Continuar: { $title }
home-lab-title = Prueben un laboratorio
home-lab-where = Del artículo "{ $title }".
home-lab-open = Abrir el laboratorio
home-intro-title = Sobre este curso
not-found-search = Buscar en el curso
search-label = Buscar en el curso
search-placeholder = Buscar…
search-no-results = No hay resultados para "{ $query }".
copy-code = Copiar
copied-code = Copiado
code-language = Código: { $language }
footer-license = Artículos bajo CC BY 4.0, código bajo MIT.
date-long = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
# El laboratorio incrustado.
lab-ui-heading = Laboratorio
lab-ui-run = Ejecutar
lab-ui-reset = Restablecer
lab-ui-running = Ejecutando…
lab-ui-done = Listo.
lab-ui-timeout = El laboratorio tardó demasiado y se detuvo.
lab-ui-failed = No se pudo ejecutar el laboratorio: { $reason }
lab-ui-busy = El ejecutor de laboratorios está ocupado; inténtenlo de nuevo en un momento.
lab-ui-offline = Esta página se sirve como archivos estáticos, así que aquí los laboratorios no pueden ejecutarse. La salida de abajo se grabó al construir el sitio. Para ejecutarlos ustedes mismos, clonen el curso y ejecuten:
lab-ui-offline-short = Los laboratorios no pueden ejecutarse en esta copia estática del sitio; vean la nota de abajo.
lab-ui-invalid = Hay campos que corregir.
lab-ui-truncated = el laboratorio imprimió más de { $limit } bytes, así que su salida se truncó
lab-ui-json-only = El ejecutor de laboratorios solo acepta JSON (Content-Type: application/json).
lab-ui-too-large = La solicitud ocupa más de { $limit } bytes.
lab-ui-bad-request = La solicitud no es un objeto JSON con "lang" e "input".
lab-ui-output = Resultado
lab-ui-recorded = Resultado grabado de este ejemplo
lab-ui-example = Ejemplo: { $name }
lab-ui-inputs = Datos de entrada
lab-error-required = Este campo es obligatorio.
lab-error-number = Escriban un número.
lab-error-min = Debe ser al menos { $limit }.
lab-error-max = Debe ser como máximo { $limit }.
lab-error-text = Escriban un texto.
lab-error-too-long = Debe tener como máximo { $limit } caracteres.
lab-error-option = Elijan una de las opciones.
lab-error-checkbox = Debe estar marcado o desmarcado.
lab-error-unknown = Este campo no pertenece al laboratorio.
lab-error-json = No es un JSON válido.
# Experiencia de lectura: búsqueda, progreso, bloques de código, gráficos.
search-help = Los resultados aparecen abajo mientras escriben; presionen la flecha hacia abajo para recorrerlos.
search-loading = Buscando…
search-count = { $count ->
    [one] 1 resultado
   *[other] { $count } resultados
}
search-more = Más resultados
search-unavailable = La búsqueda no está disponible en esta página por ahora.
copy-failed = No se pudo copiar; seleccionen el código y cópienlo a mano.
all-tags = Todas las etiquetas
lab-ui-live = Resultado de su ejecución
lab-ui-series = Serie
lab-verdict-pass = Correcto
lab-verdict-fail = Falla
lab-verdict-warn = Advertencia
lab-verdict-info = Nota
lab-chart-label = Gráfico: { $title }. Eje horizontal: { $x }. Eje vertical: { $y }. Los datos también están en la tabla que sigue.
lab-ui-chart-data = Ver los datos
