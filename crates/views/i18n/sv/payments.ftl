# Leverantörsbetalningar: attest, betalningsförslag, bankens filer.

suppliers-proposal-proposed = Föreslaget, väntar på godkännande
suppliers-proposal-approved = Godkänt
suppliers-proposal-cancelled = Makulerat

suppliers-payment-proposed = I förslag
suppliers-payment-sent = Skickad till banken
suppliers-payment-accepted = Godkänd av banken
suppliers-payment-rejected = Avvisad av banken
suppliers-payment-paid = Betald
suppliers-payment-cancelled = Makulerad

suppliers-entry-unmatched = Ej matchad
suppliers-entry-resolved = Utredd

suppliers-problem-not-an-invoice = Bara en faktura kan attesteras, betalas eller krediteras.
suppliers-problem-not-a-credit-note = Det är ingen kreditnota.
suppliers-problem-not-awaiting = Fakturan är { $state ->
    [received] mottagen
    [attested] attesterad
    [approved] godkänd för betalning
    [disputed] bestriden
    [paid] betald
    *[credited] krediterad
  } och väntar inte på det här.
suppliers-problem-same-attester = Den som attesterade leveransen får inte också godkänna beloppet.
suppliers-problem-no-approval-right = Din roll får inte godkänna fakturor.
suppliers-problem-over-limit = Beloppet är över din rolls attestgräns på { $limit }.
suppliers-problem-credit-too-large = Kreditnotan är större än de { $left } som återstår att betala.
suppliers-problem-other-supplier = Kreditnotan kommer från en annan leverantör.
suppliers-problem-no-debtor-account = Inget konto att betala från är inställt för den här sortens betalning.
suppliers-problem-proposal-closed = Betalningsförslaget är inte längre öppet.
suppliers-problem-own-proposal = Den som gjorde förslaget får inte godkänna det.
suppliers-problem-nothing-to-pay = Inget förfaller till betalning till och med den dagen.
suppliers-problem-not-a-bank-file = Filen är varken en statusrapport (pain.002) eller en debiteringsavi (camt.054).
suppliers-problem-pay-date-passed = Betalningsdagen har redan passerat.

# Bankens orsakskoder (ISO 20022 ExternalStatusReason1Code).
pay-reason-AC01 = Felaktigt kontonummer
pay-reason-AC03 = Felaktigt mottagarkonto
pay-reason-AC04 = Kontot är avslutat
pay-reason-AC06 = Kontot är spärrat
pay-reason-AG01 = Transaktionen är inte tillåten på kontot
pay-reason-AM04 = Otillräckligt saldo
pay-reason-AM05 = Dubblett
pay-reason-BE05 = Okänd betalare
pay-reason-DT01 = Felaktigt datum
pay-reason-DUPL = Betalningen är en dubblett
pay-reason-FF01 = Ogiltigt filformat
pay-reason-MS02 = Ej specificerad orsak från mottagaren
pay-reason-MS03 = Ej specificerad orsak från banken
pay-reason-NARR = Orsaken står i bankens text
pay-reason-RC01 = Felaktig bankidentifierare (BIC)
pay-reason-RR01 = Betalarens konto eller identitet saknas
pay-reason-other = Orsakskod { $code }

suppliers-problem-bank-file = Rad { $line }, kolumn { $column } ({ $path }): { $fault ->
    [not_utf8] filen är inte sparad som UTF-8.
    [xml] filen är inte korrekt XML.
    [unsupported] det är inget ISO 20022-meddelande i en version som kan läsas.
    [missing] ett obligatoriskt element saknas.
    [attribute] ett obligatoriskt attribut saknas.
    [empty] elementet är tomt.
    [amount] beloppet är inte ett belopp med högst två decimaler.
    [date] datumet går inte att läsa.
    [indicator] debet/kredit ska vara DBIT eller CRDT.
    [boolean] värdet ska vara true eller false.
    [status] statuskoden finns inte i ISO:s kodlista.
    *[other] betalningen saknar status.
  } Rätta filen eller be banken om en ny.
suppliers-problem-account-name-taken = Ett annat konto har redan det namnet.
suppliers-problem-payee-kind-taken = Ett annat konto betalar redan den sortens betalningar.

payments-title = Attest och betalning
payments-attest-title = Att attestera
payments-attest-intro = Den som beställde arbetet attesterar leveransen; sedan godkänner en budgetansvarig beloppet inom sin attestgräns. Samma person får inte göra båda.
payments-attest-empty = Inget väntar på attest.
payments-col-amount = Belopp
payments-col-due = Förfaller
payments-col-state = Läge
payments-col-action = Åtgärd
payments-col-account = Konto
payments-col-version = Format
payments-col-count = Betalningar
payments-col-file = Fil
payments-col-e2e = Betalnings-id
payments-col-reference = Referens
payments-col-booked = Bokförd
payments-attest = Attestera leveransen
payments-approve = Godkänn beloppet
payments-resolve = Tvisten är löst
payments-dispute = Bestrid
payments-dispute-reason = Skäl
payments-settle = Kvitta
payments-settle-against = Mot faktura
payments-proposals-title = Betalningsförslag
payments-propose-help = Förslaget tar med godkända fakturor som förfaller senast den dagen, med det som återstår efter kreditnotor. En annan person på ekonomi godkänner det innan filerna går till banken.
payments-pay-date = Betalningsdag
payments-propose = Gör förslag
payments-proposals-empty = Inga betalningsförslag ännu.
payments-proposal-heading = Betalning { $day }
payments-proposed-by = Föreslaget av
payments-decided-by = Beslutat av
payments-download = Hämta pain.001
payments-approve-proposal = Godkänn förslaget
payments-cancel-proposal = Makulera
payments-bank-title = Bankens filer
payments-bank-help = Statusrapporter (pain.002) och debiteringsavier (camt.054) från banken. En fil tas emot en gång.
payments-bank-file = Fil från banken
payments-bank-upload = Ta emot
payments-entries-title = Ej matchade bankposter
payments-entries-empty = Alla poster i bankens filer har matchats.
payments-entry-note = Vad som gjordes
payments-entry-resolve = Markera utredd
payments-choose-file = Välj en fil från banken.
payments-attested = Leveransen är attesterad.
payments-approved = Beloppet är godkänt för betalning.
payments-disputed = Fakturan är bestriden.
payments-resolved = Fakturan väntar på attest igen.
payments-settled = Kreditnotan är kvittad.
payments-proposed = Förslag för { $day }: { $files } filer med { $payments } betalningar.
payments-proposal-approved = Förslaget är godkänt. Filerna kan skickas till banken.
payments-proposal-cancelled = Förslaget är makulerat.
payments-bank-taken = { $kind } { $message }: { $accepted } godkända, { $rejected } avvisade, { $paid } betalda, { $returned } återförda, { $unmatched } ej matchade.
payments-bank-already = { $kind } { $message } togs emot tidigare; inget ändrades.
payments-entry-resolved = Posten är utredd.
payments-link = Attest och betalning

suppliers-group-local = Lokala
suppliers-group-small = Små (ej lokala)
suppliers-group-other = Övriga

reports-title = Rapporter om leverantörer
reports-link = Rapporter
reports-days-title = Dagar till betalning
reports-days-intro = Genomsnittligt antal dagar från mottagen faktura till betalning, per leverantörsgrupp och månad. Målet enligt policyn som gäller: { $target } dagar.
reports-group = Grupp
reports-cell = { $days } d ({ $count })
reports-spend-title = Köp från lokala leverantörer per bransch
reports-spend-empty = Inga fakturor från lokala leverantörer de här månaderna.
reports-forecast-title = Likviditet de kommande 13 veckorna
reports-forecast-intro = Väntade inbetalningar från kunder (förfallodag, beviljat anstånd och kundens vana att betala sent) mot betalningar till leverantörer enligt villkoren som gäller.
reports-what-if-help = Vad händer om leverantörerna fick kortare betalningstid från i dag? Kostnaden visas de veckor den faller.
reports-what-if-days = Betalningstid i dagar
reports-what-if-rule = För
reports-what-if-show = Visa
reports-what-if-local = lokala leverantörer
reports-what-if-small = små leverantörer
reports-what-if-all = alla leverantörer
reports-week = Vecka från
reports-in = In från kunder
reports-out = Ut till leverantörer
reports-balance = Ackumulerat netto
reports-out-if = Ut med kortare villkor
reports-balance-if = Netto med kortare villkor
reports-cost = Kostnad hittills
reports-chart-days = Dagar till betalning per grupp och månad
reports-chart-forecast = Ackumulerat netto vecka för vecka
reports-chart-desc = Samma siffror står i tabellen under diagrammet.
reports-target = Mål { $days } dagar
reports-series-now = Villkoren som gäller
reports-series-if = Med kortare villkor

payments-rejected-title = Betalningar som banken avvisat
payments-rejected-intro = Fakturorna kommer med i nästa betalningsförslag. Rätta leverantörens konto först om orsaken gäller kontot.
payments-col-reason = Orsak
