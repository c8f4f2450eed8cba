lab-ansible-vars-title = Ansible variable precedence
lab-ansible-vars-description = Define the same variable in role defaults, the inventory, the play and on the command line, pick a host, and see which value wins, with what type, and what a task's message would print.
lab-ansible-vars-role-defaults = Role defaults (roles/<role>/defaults/main.yml)
lab-ansible-vars-role-defaults-hint = A YAML mapping. The weakest source of all: anything set anywhere else overrides it.
lab-ansible-vars-inventory = Inventory (INI)
lab-ansible-vars-inventory-hint = Host lines with inline key=value variables, [group:vars] and [group:children] sections. Values are read as Python literals: 8080 is a number, '8080' a string.
lab-ansible-vars-host = Host
lab-ansible-vars-host-hint = The inventory host to resolve the variables for.
lab-ansible-vars-play-vars = Play vars
lab-ansible-vars-play-vars-hint = The play's vars: section, as a YAML mapping.
lab-ansible-vars-vars-files = vars_files
lab-ansible-vars-vars-files-hint = The contents of the play's vars file, as a YAML mapping. It beats play vars.
lab-ansible-vars-extra-vars = Extra vars (-e)
lab-ansible-vars-extra-vars-hint = As ansible-playbook -e takes them: key=value pairs (always strings) or a JSON object (types kept). They beat everything.
lab-ansible-vars-message = Message template
lab-ansible-vars-message-hint = A debug message with variables in double braces. Supports names, name.key, name['key'] and the filters default, int, string, lower, upper, bool and length.
lab-ansible-vars-example-extra-vars-win = Extra vars win over every other source
lab-ansible-vars-example-host-beats-group = A host variable beats its groups
lab-ansible-vars-example-undefined-variable = An undefined variable stops the task
lab-ansible-vars-when = Task condition (when:)
lab-ansible-vars-when-hint = Optional. Since ansible-core 2.19 the result must be a boolean: compare (==, !=, <, in), test (is defined) or convert with | bool. A string such as "false" no longer counts as false: it is an error.
lab-ansible-vars-allow-broken = ALLOW_BROKEN_CONDITIONALS
lab-ansible-vars-allow-broken-hint = Brings back the pre-2.19 rule (Python's truthiness decides) with a deprecation warning. The option goes away in ansible-core 2.23.
lab-ansible-vars-example-non-boolean-conditional = A conditional that is not a boolean fails the task
lab-ansible-vars-example-bool-filter-conditional = With | bool, "false" is false and the task is skipped
lab-ansible-vars-example-broken-conditionals-allowed = ALLOW_BROKEN_CONDITIONALS: "false" counts as true again
