# La vista del laboratorio que muestra primero el resultado (templates/partials/lab.html, static/lab.js).
lab-ui-examples = Ejemplos
lab-ui-more-options = Más opciones
lab-ui-more-output = La respuesta completa ({ $count } más)
lab-ui-static-note = Estos resultados están grabados: elijan un ejemplo para ver otro. Para probar sus propios datos,
lab-ui-static-help = ejecuten el curso en su computadora.
lab-ui-stale = Este resultado ya no corresponde al formulario: la última ejecución no terminó.
lab-ui-edited = Cambiaron los datos: ejecuten el laboratorio para actualizar este resultado.
lab-ui-unreachable = No se pudo conectar con el servidor de vista previa. ¿Sigue en ejecución `aula serve`? Vuelvan a iniciarlo y reintenten.
lab-ui-hosted-unreachable = No se puede conectar con el ejecutor de laboratorios en este momento; por eso se muestran los ejemplos grabados.
lab-ui-hosted-busy = El ejecutor de laboratorios está ocupado en este momento; por eso se muestran los ejemplos grabados. Inténtenlo de nuevo en un minuto.
lab-chart-explore = Gráfico: { $title }. Pasen el puntero o usen las flechas para leer los valores exactos.
lab-chart-log = escala logarítmica
