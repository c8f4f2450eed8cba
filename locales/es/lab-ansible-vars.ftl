lab-ansible-vars-title = Precedencia de variables en Ansible
lab-ansible-vars-description = Definan la misma variable en los defaults del rol, el inventario, el play y la línea de comandos, elijan un host y vean qué valor gana, con qué tipo y qué imprimiría el mensaje de una tarea.
lab-ansible-vars-role-defaults = Defaults del rol (roles/<rol>/defaults/main.yml)
lab-ansible-vars-role-defaults-hint = Un mapeo YAML. Es la fuente más débil de todas: cualquier valor definido en otro lugar la sobrescribe.
lab-ansible-vars-inventory = Inventario (INI)
lab-ansible-vars-inventory-hint = Líneas de host con variables clave=valor, secciones [grupo:vars] y [grupo:children]. Los valores se leen como literales de Python: 8080 es un número y '8080' es un texto.
lab-ansible-vars-host = Host
lab-ansible-vars-host-hint = El host del inventario para el que se resuelven las variables.
lab-ansible-vars-play-vars = Vars del play
lab-ansible-vars-play-vars-hint = La sección vars: del play, como mapeo YAML.
lab-ansible-vars-vars-files = vars_files
lab-ansible-vars-vars-files-hint = El contenido del archivo de variables del play, como mapeo YAML. Les gana a las vars del play.
lab-ansible-vars-extra-vars = Extra vars (-e)
lab-ansible-vars-extra-vars-hint = Tal como las recibe ansible-playbook -e: pares clave=valor (siempre texto) o un objeto JSON (conserva los tipos). Le ganan a todo.
lab-ansible-vars-message = Plantilla del mensaje
lab-ansible-vars-message-hint = Un mensaje de debug con variables entre llaves dobles. Admite nombres, nombre.clave, nombre['clave'] y los filtros default, int, string, lower, upper, bool y length.
lab-ansible-vars-example-extra-vars-win = Las extra vars le ganan a cualquier otra fuente
lab-ansible-vars-example-host-beats-group = Una variable del host les gana a sus grupos
lab-ansible-vars-example-undefined-variable = Una variable no definida detiene la tarea
lab-ansible-vars-when = Condición de la tarea (when:)
lab-ansible-vars-when-hint = Opcional. Desde ansible-core 2.19 el resultado debe ser booleano: comparen (==, !=, <, in), prueben (is defined) o conviertan con | bool. Un texto como "false" ya no cuenta como falso: es un error.
lab-ansible-vars-allow-broken = ALLOW_BROKEN_CONDITIONALS
lab-ansible-vars-allow-broken-hint = Recupera la regla anterior a 2.19 (decide el valor de verdad de Python) con un aviso de obsolescencia. La opción desaparece en ansible-core 2.23.
lab-ansible-vars-example-non-boolean-conditional = Una condición que no es booleana hace fallar la tarea
lab-ansible-vars-example-bool-filter-conditional = Con | bool, "false" es falso y la tarea se omite
lab-ansible-vars-example-broken-conditionals-allowed = ALLOW_BROKEN_CONDITIONALS: "false" vuelve a contar como verdadero
