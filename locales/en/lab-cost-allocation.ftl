lab-cost-allocation-title = Allocating cloud costs to teams
lab-cost-allocation-description = Paste a month of cost line items and see what each team pays once shared and untagged costs are distributed, together with the tagging-health KPI.
lab-cost-allocation-line-items = Cost line items (CSV)
lab-cost-allocation-line-items-hint = Header date,service,cost,team. An empty team means untagged; the value shared marks a shared cost. Amounts use a decimal point.
lab-cost-allocation-strategy = How to distribute shared and untagged cost
lab-cost-allocation-strategy-hint = In proportion to each team's direct cost, evenly, or by a fixed agreed split.
lab-cost-allocation-strategy-proportional = Proportional to direct cost
lab-cost-allocation-strategy-even = Even
lab-cost-allocation-strategy-fixed = Fixed percentages
lab-cost-allocation-fixed-split = Fixed split per team
lab-cost-allocation-fixed-split-hint = Only for the fixed split: team=percentage separated by commas, for example datos=50, web=30, movil=20. They must add up to 100.
lab-cost-allocation-currency = Currency
lab-cost-allocation-currency-hint = The code or symbol shown next to amounts, such as USD, MXN or COP. Nothing is converted.
lab-cost-allocation-example-proportional = Proportional to direct cost
lab-cost-allocation-example-even = Even split
lab-cost-allocation-example-fixed-split = Fixed 60/20/20 split
