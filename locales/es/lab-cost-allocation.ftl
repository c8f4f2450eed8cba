lab-cost-allocation-title = Reparto de costos de nube entre equipos
lab-cost-allocation-description = Peguen el detalle de costos del mes y vean cuánto le toca a cada equipo cuando se reparten los costos compartidos y los que no tienen etiqueta, junto con el indicador de salud del etiquetado.
lab-cost-allocation-line-items = Partidas de costo (CSV)
lab-cost-allocation-line-items-hint = Encabezado date,service,cost,team. Un equipo vacío significa sin etiquetar; el valor shared marca un costo compartido. Los montos usan punto decimal.
lab-cost-allocation-strategy = Cómo repartir lo compartido y lo sin etiquetar
lab-cost-allocation-strategy-hint = Proporcional al costo directo de cada equipo, en partes iguales o según porcentajes fijos acordados.
lab-cost-allocation-strategy-proportional = Proporcional al costo directo
lab-cost-allocation-strategy-even = En partes iguales
lab-cost-allocation-strategy-fixed = Porcentajes fijos
lab-cost-allocation-fixed-split = Porcentajes fijos por equipo
lab-cost-allocation-fixed-split-hint = Solo para el reparto fijo: equipo=porcentaje separados por comas, por ejemplo datos=50, web=30, movil=20. Deben sumar 100.
lab-cost-allocation-currency = Moneda
lab-cost-allocation-currency-hint = Código o símbolo que acompaña a los montos, por ejemplo USD, MXN o COP. No convierte valores.
lab-cost-allocation-example-proportional = Reparto proporcional al costo directo
lab-cost-allocation-example-even = Reparto en partes iguales
lab-cost-allocation-example-fixed-split = Reparto fijo 60/20/20
