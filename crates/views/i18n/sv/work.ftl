# Projekt och arbetsordrar till underentreprenörer.

suppliers-project-kind-district_heating = Fjärrvärme
suppliers-project-kind-cable = Kabelförläggning
suppliers-project-kind-meter_exchange = Mätarbyte
suppliers-project-kind-water = Vatten och avlopp
suppliers-project-kind-broadband = Bredband
suppliers-project-kind-other = Övrigt

suppliers-order-planned = Planerad
suppliers-order-ordered = Beställd
suppliers-order-done = Utförd
suppliers-order-cancelled = Avbeställd

suppliers-problem-order-not-movable = Bara planerade eller beställda arbeten kan flyttas.
suppliers-problem-not-earlier = Ett arbete kan bara tidigareläggas till en tidigare månad.
suppliers-problem-month-passed = Månaden har redan passerat.
suppliers-problem-bad-month = Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-05.
suppliers-problem-reference-taken = En annan arbetsorder har referensen { $reference }.
suppliers-problem-not-in-trade = Leverantören arbetar inte inom den branschen.

projects-title = Projekt och arbetsordrar
projects-link = Projekt och arbetsordrar
projects-report-title = Lokala underentreprenörer per bransch
projects-report-intro = Timmar och kronor beställda av lokala leverantörer per månad (avbeställt räknas inte), med samma månad ett år tidigare inom parentes.
projects-report-empty = Inga arbetsordrar till lokala leverantörer de här månaderna.
projects-cell = { $hours } h ({ $before } h)
projects-projects-title = Projekt
projects-budget = Budget
projects-ordered = Beställt
projects-budget-owner = Budgetansvarig
projects-col-reference = Referens
projects-col-month = Månad
projects-col-hours = Timmar
projects-moved-from = tidigarelagd från { $month }
projects-bring-to = Till månad
projects-bring-forward = Tidigarelägg
projects-new-order = Ny arbetsorder
projects-project = Projekt
projects-supplier = Leverantör
projects-description = Beskrivning
projects-ordered-now = Beställd nu (annars planerad)
projects-add-order = Lägg till arbetsorder
projects-new-project = Nytt projekt
projects-project-name = Namn
projects-project-kind = Slag
projects-starts = Startar
projects-ends = Slutar
projects-add-project = Lägg till projekt
projects-added-order = Arbetsordern är tillagd.
projects-added-project = Projektet är tillagt.
projects-brought-forward = Arbetet är tidigarelagt till { $month }.
suppliers-problem-not-orderer = Arbetsordern lades av { $orderer }, som attesterar leveransen (eller ekonomi i hens ställe).
