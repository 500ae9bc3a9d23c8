# Credit
nav-extension = Anstånd
nav-credit = Kredit
nav-finance = Ekonomi
invoice = Faktura
invoice-status-open = Obetald
invoice-status-partly_paid = Delbetald
invoice-status-paid = Betald
invoice-status-overdue = Förfallen
invoice-status-extension = Anstånd
invoice-status-collection = Inkasso
arrangement-status-referred = Skickat till en handläggare
arrangement-status-approved = Beviljat
arrangement-status-refused = Avslaget
arrangement-status-broken = Bruten överenskommelse
arrangement-status-completed = Slutbetalt
arrangement-status-withdrawn = Återkallat
arrangement-kind-extension = Senare förfallodag
arrangement-kind-instalments = Avbetalningsplan
arrangement-source-portal = Mina sidor
arrangement-source-agent = Kundtjänst
charge-kind-reminder_fee = Påminnelseavgift
charge-kind-interest = Dröjsmålsränta
payment-source-bgmax = Bankgiro (BgMax)
payment-source-manual = Registrerad för hand
payment-source-demo = Demo
credit-decision-approve = Godkänns
credit-decision-refer = Prövas av kreditansvarig
credit-decision-refuse = Avslås
credit-invoice-state-open = Obetald
credit-invoice-state-overdue = Förfallen
credit-invoice-state-partly_paid = Delvis betald
credit-invoice-state-paid = Betald
credit-invoice-state-in_extension = Anstånd
credit-invoice-state-with_collection = Inkasso
credit-what-extension = Ny förfallodag { $date }
credit-what-instalments = { $count } månadsbetalningar
extension-title = Anstånd och delbetalning
extension-intro = Har du svårt att betala? Be om en senare förfallodag eller om att få dela upp beloppet. Uppfyller du villkoren får du svar direkt, annars bedömer en handläggare din ansökan.
extension-what = Vad du ber om
extension-new-date = En senare förfallodag
extension-date = Ny förfallodag
extension-instalments = Dela upp i månadsbetalningar
extension-count = Antal månader
extension-submit = Skicka ansökan för faktura { $number }
extension-mine = Mina ansökningar
credit-queue-title = Ansökningar om anstånd att bedöma
credit-queue-empty = Inga ansökningar väntar.
credit-customer = Kund
credit-why-referred = Varför till handläggare
credit-reasons = Policyns bedömning
credit-history = Påminnelser, brutna överenskommelser och inkasso senaste 12 månaderna
credit-decide = Beslut
credit-note = Motivering (syns i historiken)
credit-approve = Bevilja
credit-refuse = Avslå
credit-collection = Inkassolista
credit-collection-csv = Ladda ner som CSV
credit-collection-empty = Inga fakturor på inkassolistan.
credit-collection-since = På listan sedan
finance-title = Inbetalningar och räntor
finance-import = Läs in BgMax-fil
finance-file = Fil från Bankgirot
finance-file-help = Filen som den kom från banken. Allt eller inget läses in, och en fil som redan lästs in räknas inte två gånger.
finance-import-submit = Läs in
finance-choose-file = Välj en fil.
finance-imported = { $payments } betalningar ({ $amount }) inlästa: { $matched } matchade, { $unmatched } till matchningskön, { $already } redan inlästa.
finance-not-imported = Inget lästes in: { $reason }
finance-queue = Betalningar att matcha
finance-queue-empty = Inga betalningar väntar på matchning.
finance-paid-on = Betaldag
finance-reference = Referens
finance-payer = Betalare
finance-match = Matcha
finance-match-to = OCR- eller fakturanummer
finance-rates = Referensränta (räntelagen 9 §)
finance-valid-from = Gäller från
finance-reference-rate = Referensränta (%)
finance-late-rate = Dröjsmålsränta (%)
finance-dunning = Påminnelser och ränta
finance-dunning-help = Körs varje natt. Påminnelser skickas efter förfallodag plus karenstid; avgift bara där kunden har godkänt den; ränta debiteras aldrig för dagar inom ett beviljat anstånd.
finance-dunning-run = Kör nu
finance-dunning-done = { $reminders } påminnelser ({ $fees } i avgifter), { $collection } till inkasso, { $broken } brutna överenskommelser, ränta på { $interest_count } fakturor ({ $interest }).
finance-board-report = Styrelserapport (CSV)
extension-for-caller = Anstånd för kunden i telefon
extension-submit-agent = Pröva mot kreditpolicyn
credit-interest-accrued = Upplupen dröjsmålsränta
credit-reason-invoice-state-ok = Fakturan kan få anstånd
credit-reason-invoice-paid = Fakturan är redan betald
credit-reason-invoice-collection = Fakturan har lämnats till inkasso
credit-reason-invoice-extended = Fakturan har redan anstånd
credit-reason-invoice-state-no = Fakturan kan inte få anstånd
credit-reason-outstanding = Kvar att betala: { $amount }
credit-reason-nothing-outstanding = Det finns inget kvar att betala på fakturan
credit-reason-new-due-after = Det nya förfallodatumet { $new_due } är senare än { $current }
credit-reason-new-due-not-after = Det nya förfallodatumet { $new_due } måste vara senare än { $current }
credit-reason-new-due-ahead = Det nya förfallodatumet { $new_due } har inte passerat
credit-reason-new-due-passed = Det nya förfallodatumet { $new_due } har redan passerat
credit-reason-instalments = { $n } delbetalningar
credit-reason-instalments-too-few = En avbetalningsplan måste ha minst 2 delbetalningar
credit-reason-instalments-too-many = En avbetalningsplan kan ha högst { $max } delbetalningar
credit-reason-max-amount-ok = Beloppet är högst { $max }
credit-reason-max-amount-over = Beloppet överstiger { $max }
credit-reason-auto-approve-ok = Beloppet ryms inom gränsen för automatiskt godkännande, { $max }
credit-reason-auto-approve-over = Beloppet överstiger gränsen för automatiskt godkännande, { $max }
credit-reason-extension-days-ok = Anståndet är { $days ->
    [one] 1 dag
   *[other] { $days } dagar
} – högst { $max ->
    [one] 1 dag
   *[other] { $max } dagar
} tillåts
credit-reason-extension-days-over = Anståndet är { $days ->
    [one] 1 dag
   *[other] { $days } dagar
} – längre än { $max ->
    [one] 1 dag
   *[other] { $max } dagar
}
credit-reason-max-instalments-ok = { $n } delbetalningar – högst { $max } tillåts
credit-reason-max-instalments-over = { $n } delbetalningar – fler än { $max }
credit-reason-reminders-off = Påminnelser kontrolleras inte enligt policyn
credit-reason-reminders = { $count ->
    [0] Inga påminnelser
    [one] 1 påminnelse
   *[other] { $count } påminnelser
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}
credit-reason-reminders-latest = { $count ->
    [0] Inga påminnelser
    [one] 1 påminnelse
   *[other] { $count } påminnelser
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}, senast { $latest }
credit-reason-broken-off = Brutna betalningsöverenskommelser kontrolleras inte enligt policyn
credit-reason-broken = { $count ->
    [0] Inga brutna betalningsöverenskommelser
    [one] 1 bruten betalningsöverenskommelse
   *[other] { $count } brutna betalningsöverenskommelser
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}
credit-reason-broken-latest = { $count ->
    [0] Inga brutna betalningsöverenskommelser
    [one] 1 bruten betalningsöverenskommelse
   *[other] { $count } brutna betalningsöverenskommelser
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}, senast { $latest }
credit-reason-collections-off = Ärenden till inkasso kontrolleras inte enligt policyn
credit-reason-collections = { $count ->
    [0] Inga ärenden till inkasso
    [one] 1 ärende till inkasso
   *[other] { $count } ärenden till inkasso
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}
credit-reason-collections-latest = { $count ->
    [0] Inga ärenden till inkasso
    [one] 1 ärende till inkasso
   *[other] { $count } ärenden till inkasso
} { $months ->
    [one] den senaste månaden
   *[other] de senaste { $months } månaderna
}, senast { $latest }
credit-reason-active = { $count ->
    [0] Inga andra pågående betalningsöverenskommelser
    [one] Kunden har redan 1 pågående betalningsöverenskommelse
   *[other] Kunden har redan { $count } pågående betalningsöverenskommelser
}
credit-reason-recorded = Regeln { $code } { $passed ->
    [yes] uppfylldes
   *[no] uppfylldes inte
}
credit-fee-charged = Påminnelseavgift { $fee } enligt avtal (lagen om ersättning för inkassokostnader 2 och 4 §§)
credit-fee-not-agreed = Ingen påminnelseavgift: avgiften har inte avtalats med kunden (lagen om ersättning för inkassokostnader 2 §)
credit-problem-no-such-invoice = Ingen faktura har det OCR- eller fakturanumret.
credit-problem-already-matched = Betalningen är redan matchad.
credit-problem-already-decided = Ärendet är redan avgjort.
credit-problem-already-requested = Fakturan har redan en begäran om anstånd som väntar på beslut eller gäller nu.
credit-problem-own-request = Du kan inte avgöra en begäran som du själv har lagt in. En annan kredithandläggare behöver besluta.
credit-problem-rate-start = Referensräntan gäller från 1 januari eller 1 juli.
credit-problem-rate-range = Räntan ska vara mellan { $min } och { $max } procent.
credit-problem-not-a-percent = Skriv räntan i procent, till exempel 2,00.
credit-problem-ocr-taken = Ett OCR-nummer i filen hör redan till en annan faktura.
credit-problem-bgmax-test-file = Filen är en testfil från Bankgirot (TK01 märkt T). Testfiler bokförs aldrig; läs in produktionsfilen.
credit-problem-bgmax-conflicting-file = En annan fil med samma TK01-tidsstämpel och mottagande bankgiro ({ $key }) har lästs in tidigare. Bankgirot återanvänder aldrig en tidsstämpel, så fråga banken vilken fil som är rätt innan du läser in.
credit-problem-not-utf8 = Filen är inte UTF-8. Spara den som UTF-8.
credit-problem-csv-header = Första raden ska ha kolumnerna { $expected }.
credit-problem-csv-field-count = Raden har { $found } fält men ska ha { $expected }.
credit-problem-csv-unreadable = Raden kan inte läsas som CSV.
credit-problem-duplicate-invoice = Fakturanumret { $number } finns två gånger i filen.
credit-problem-due-before-issued = Förfallodagen ligger före fakturadagen.
credit-problem-not-an-amount = { $found } är inte ett belopp i kronor, som 1 234,50.
credit-problem-unknown-customer = Det finns ingen kund med kundnummer { $number }.
credit-bgmax-advice-empty = kontrollera att rätt fil valdes; en BgMax-fil är aldrig tom
credit-bgmax-advice-utf8 = filen har konverterats till UTF-8 efter att den lämnade banken; läs in originalfilen (ISO-8859-1) från banken i stället
credit-bgmax-advice-layout = det här är inte en BgMax-fil av version 01; kontrollera att rätt fil valdes och att bankavtalet levererar Bankgiro Inbetalningar i BgMax-format
credit-bgmax-advice-ocr = Bankgirot anger referenskod 2 bara för referenser som klarat OCR-kontrollen, så filen är skadad; hämta den från banken igen och kontakta banken om felet finns kvar
credit-bgmax-advice-truncated = filen är ofullständig; vänta tills överföringen är klar eller hämta filen från banken igen
credit-bgmax-advice-totals = bokför inte den här filen: den är ofullständig eller skadad; hämta den från banken igen och kontakta Bankgirot med filens datum om felet finns kvar
credit-bgmax-advice-damaged = filen är inte en oförändrad BgMax-fil från Bankgirot; hämta originalfilen från banken igen (öppna och spara den inte i ett redigeringsprogram, konvertera den inte) och läs in den
credit-problem-bgmax-empty_file = rad { $line }, fält { $field }: filen är tom – { credit-bgmax-advice-empty }.
credit-problem-bgmax-byte_order_mark = rad { $line }, fält { $field }: filen börjar med en UTF-8-byteordningsmarkering; BgMax-filer är ISO-8859-1 – { credit-bgmax-advice-utf8 }.
credit-problem-bgmax-tab = rad { $line }, fält { $field }: TAB-tecken i kolumn { $column }; fälten med fasta positioner efter det är förskjutna – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-control_character = rad { $line }, fält { $field }: styrtecknet { $byte } i kolumn { $column } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-looks_like_utf8 = rad { $line }, fält { $field }: UTF-8-kodat tecken i kolumn { $column }; BgMax-filer är ISO-8859-1 – { credit-bgmax-advice-utf8 }.
credit-problem-bgmax-too_long = rad { $line }, fält { $field }: posten är { $length } tecken lång; BgMax-poster har 80 – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-empty_line = rad { $line }, fält { $field }: tom rad inne i filen – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-unknown_record_type = rad { $line }, fält { $field }: okänd posttyp { $code } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-not_digits = rad { $line }, fält { $field }: siffror väntades men fältet innehåller { $value } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-blank = rad { $line }, fält { $field }: fältet är tomt – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-invalid_code = rad { $line }, fält { $field }: ogiltigt värde { $value }; tillåtna: { $allowed } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-invalid_date = rad { $line }, fält { $field }: { $value } är inte ett giltigt datum eller klockslag – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-wrong_layout = rad { $line }, fält { $field }: layoutnamnet är { $found }, väntat BGMAX – { credit-bgmax-advice-layout }.
credit-problem-bgmax-unsupported_version = rad { $line }, fält { $field }: layoutversion { $found } stöds inte; väntad 01 – { credit-bgmax-advice-layout }.
credit-problem-bgmax-invalid_currency = rad { $line }, fält { $field }: { $value } är ingen valutakod – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-ocr_format = rad { $line }, fält { $field }: referensen { $reference } har referenskod 2 (korrekt OCR) men är inte 2–25 siffror – { credit-bgmax-advice-ocr }.
credit-problem-bgmax-ocr_check_digit = rad { $line }, fält { $field }: referensen { $reference } har referenskod 2 (korrekt OCR) men kontrollsiffran stämmer inte – { credit-bgmax-advice-ocr }.
credit-problem-bgmax-missing_start = rad { $line }, fält { $field }: filen måste börja med en startpost TK01, här står { $record } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-duplicate_start = rad { $line }, fält { $field }: en andra startpost TK01; den första står på rad { $first_line } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-outside_section = rad { $line }, fält { $field }: { $record } utanför en sektion: ingen öppningspost TK05 före – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-section_not_closed = rad { $line }, fält { $field }: { $record } medan sektionen som öppnades på rad { $opened_line } saknar insättningspost TK15 – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-outside_payment = rad { $line }, fält { $field }: { $record } före sektionens första betalningspost TK20 eller TK21 – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-out_of_order = rad { $line }, fält { $field }: { $record } i fel ordning för betalningen på rad { $payment_line }; ordningen är TK22/TK23/TK25, sedan TK26, TK27, TK28, TK29 – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-duplicate = rad { $line }, fält { $field }: en andra { $record } för betalningen på rad { $payment_line } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-empty_section = rad { $line }, fält { $field }: TK15 stänger sektionen som öppnades på rad { $opened_line }, som inte har några betalningar – { credit-bgmax-advice-totals }.
credit-problem-bgmax-after_end = rad { $line }, fält { $field }: { $record } efter slutposten TK70 på rad { $end_line } – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-missing_end = rad { $line }, fält { $field }: filen slutar här utan slutpost TK70 – { credit-bgmax-advice-truncated }.
credit-problem-bgmax-missing_end_in_section = rad { $line }, fält { $field }: filen slutar här utan slutpost TK70 (och sektionen som öppnades på rad { $opened_line } saknar TK15) – { credit-bgmax-advice-truncated }.
credit-problem-bgmax-currency_mismatch = rad { $line }, fält { $field }: insättningens valuta { $deposit } skiljer sig från sektionens valuta { $section } – { credit-bgmax-advice-totals }.
credit-problem-bgmax-deposit_amount_mismatch = rad { $line }, fält { $field }: insättningsbeloppet är { $stated } öre men sektionens betalningar minus avdrag är { $computed } öre – { credit-bgmax-advice-totals }.
credit-problem-bgmax-deposit_count_mismatch = rad { $line }, fält { $field }: insättningen anger { $stated } betalningar men sektionen har { $computed } poster TK20 och TK21 – { credit-bgmax-advice-totals }.
credit-problem-bgmax-end_count_mismatch = rad { $line }, fält { $field }: slutposten anger { $stated } men filen har { $computed } – { credit-bgmax-advice-totals }.
credit-problem-bgmax-extra_reference_sum_mismatch = rad { $line }, fält { $field }: betalningen är { $payment } öre men dess TK22-belopp minus TK23-belopp är { $extra } öre – { credit-bgmax-advice-damaged }.
credit-problem-bgmax-other = rad { $line }, fält { $field }: { $detail } – { credit-bgmax-advice-damaged }.
credit-measure-extension = Anstånd upp till { $days } dagar och { $amount }
credit-measure-clean-history = Kräver att kunden inte haft påminnelser, brutna överenskommelser eller inkasso de senaste { $months } månaderna
credit-measure-history-unchecked = Betalningshistoriken kontrolleras inte
credit-measure-interest-waived = Ingen dröjsmålsränta under anståndet
credit-measure-interest-charged = Dröjsmålsränta löper även under anståndet
credit-measure-auto-approve = Beviljas automatiskt upp till { $amount }
credit-measure-instalments = Upp till { $count } delbetalningar
credit-measure-reminder-grace = Påminnelse { $days } dagar efter förfallodagen
effect-credit-customers_newly_eligible = Kunder som nu kan få anstånd direkt
effect-credit-interest_waived_ore = Dröjsmålsränta som inte debiteras (uppskattning)
effect-credit-max_extension_days_before = Längsta anstånd hittills (dagar)
effect-credit-max_extension_days_after = Längsta anstånd framöver (dagar)
