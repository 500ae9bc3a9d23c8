# Leverantörer: registret, fakturor, erbjudanden om kortare betalningstid.

suppliers-trade-excavation = Schakt och mark
suppliers-trade-haulage = Åkeri
suppliers-trade-electrical = El
suppliers-trade-plumbing_hvac = VVS
suppliers-trade-automation = Automation
suppliers-trade-environmental_measurement = Miljömätning
suppliers-trade-transport = Transport
suppliers-trade-civil_works = Anläggning
suppliers-trade-cleaning = Städ och sanering
suppliers-trade-it_services = IT-tjänster
suppliers-trade-consulting = Konsulttjänster
suppliers-trade-marketing = Reklam och sponsring

suppliers-size-small = Litet företag
suppliers-size-other = Medelstort eller stort företag

suppliers-offer-offered = Erbjuden, inte besvarad
suppliers-offer-accepted = Accepterad
suppliers-offer-declined = Avböjd
suppliers-offer-lapsed = Förfallen

suppliers-invoice-kind-invoice = Faktura
suppliers-invoice-kind-credit_note = Kreditnota

suppliers-invoice-received = Mottagen, väntar på attest
suppliers-invoice-attested = Attesterad, väntar på budgetansvarig
suppliers-invoice-approved = Godkänd för betalning
suppliers-invoice-disputed = Bestriden
suppliers-invoice-paid = Betald
suppliers-invoice-credited = Krediterad

suppliers-problem-bankgiro = Inte ett bankgironummer: 7 eller 8 siffror där den sista är en kontrollsiffra.
suppliers-problem-plusgiro = Inte ett plusgironummer: 2 till 8 siffror där den sista är en kontrollsiffra.
suppliers-problem-iban = Inte ett IBAN: landskod, två kontrollsiffror och kontonumret, med rätt längd för landet.
suppliers-problem-bic = Ange en BIC med 8 eller 11 tecken, till exempel ESSESESS.
suppliers-problem-bic-country = BIC-koden hör till ett annat land än IBAN-numret.
suppliers-problem-no-account = Ange bankgiro, plusgiro eller IBAN med BIC så att leverantören kan få betalt.
suppliers-problem-several-accounts = Ange bara ett av bankgiro, plusgiro och IBAN.
suppliers-problem-vat = Inte ett momsregistreringsnummer. Ett svenskt skrivs SE, organisationsnumret och 01.
suppliers-problem-vat-org = Ett svenskt momsnummer ska innehålla leverantörens organisationsnummer.
suppliers-problem-unknown-trade = Okänd bransch: { $code }.
suppliers-problem-no-trade = Ange minst en bransch.
suppliers-problem-org-taken = En annan leverantör har organisationsnummer { $number }.
suppliers-problem-duplicate = Samma organisationsnummer står redan på rad { $line }.
suppliers-problem-header = Första raden ska namnge kolumnerna: { $expected }.
suppliers-problem-not-utf8 = Filen ska vara sparad som UTF-8.
suppliers-problem-not-a-boolean = Skriv ja eller nej.
suppliers-problem-email = Inte en e-postadress.
suppliers-problem-offer-answered = Erbjudandet är redan besvarat.
suppliers-problem-offer-closed = Erbjudandet går inte längre att svara på.
suppliers-problem-not-eligible = Policyn som gäller erbjuder inte den här leverantören kortare betalningstid.

suppliers-measure-normal = Leverantörer betalas på avtalad tid, högst 30 dagar.
suppliers-measure-shortened-all = Alla leverantörer erbjuds betalning inom { $days } dagar.
suppliers-measure-shortened-local = Lokala leverantörer erbjuds betalning inom { $days } dagar.
suppliers-measure-shortened-small = Små leverantörer erbjuds betalning inom { $days } dagar.
suppliers-measure-shortened-trade = Leverantörer i branschen { $trade } erbjuds betalning inom { $days } dagar.

effect-suppliers-offers = Leverantörer som får erbjudandet per e-post
effect-suppliers-suppliers_unreachable = Leverantörer som omfattas men saknar e-postadress
effect-suppliers-brought_forward_if_accepted_ore = Belopp som betalas tidigare om alla tackar ja
effect-suppliers-invoices_brought_forward_if_accepted = Öppna fakturor som flyttas fram om alla tackar ja
effect-suppliers-offers_lapsing = Obesvarade erbjudanden som förfaller

suppliers-offer-title = Erbjudande om kortare betalningstid
suppliers-offer-intro = Vi erbjuder { $supplier } att få betalt inom { $days } dagar i stället för { $standard } för fakturor som vi tar emot från och med { $from }.
suppliers-offer-until = Erbjudandet gäller fakturor som vi tar emot till och med { $until }.
suppliers-offer-open-invoices = Era fakturor som redan är skickade och inte betalda flyttas också fram.
suppliers-offer-answer-by = Svara senast { $date }.
suppliers-offer-state = Läge: { $state }
suppliers-offer-accept = Ja, vi vill ha betalt inom { $days } dagar
suppliers-offer-decline = Nej tack, vi behåller våra villkor
suppliers-offer-answer = Svar
suppliers-answer-accepted = Tack! Era fakturor betalas nu inom { $days } dagar.
suppliers-answer-declined = Tack för svaret. Era vanliga villkor gäller.

suppliers-refusal-rules = Bryter mot regler som gör fakturan ogiltig (EN 16931 eller Peppol BIS 3).
suppliers-refusal-unreadable = Filen är inte en läsbar Peppol-faktura (UBL Invoice eller CreditNote).
suppliers-refusal-unknown_supplier = Säljaren finns inte i leverantörsregistret.
suppliers-refusal-currency = Fakturan är inte i svenska kronor.
suppliers-refusal-number_taken = Leverantören har redan skickat en annan faktura med samma nummer.

suppliers-list-title = Leverantörer
suppliers-list-intro = { $count } leverantörer, varav { $local } lokala.
suppliers-inbox-title = Inkorg för e-fakturor som inte tagits emot
suppliers-inbox-intro = E-fakturor som stoppades, med skälen. Be leverantören skicka en rättad faktura.
suppliers-inbox-empty = Inga stoppade e-fakturor.
suppliers-col-name = Namn
suppliers-col-org = Organisationsnummer
suppliers-col-municipality = Kommun
suppliers-col-size = Storlek
suppliers-col-trades = Branscher
suppliers-col-pay-to = Betalas till
suppliers-col-terms = Betalningsvillkor (dagar)
suppliers-col-days = Dagar
suppliers-col-from = Från
suppliers-col-answer-by = Svar senast
suppliers-col-state = Läge
suppliers-col-number = Fakturanummer
suppliers-col-received = Mottagen
suppliers-col-due = Förfallodag
suppliers-col-amount = Belopp
suppliers-col-rule = Regel
suppliers-col-message = Vad som är fel
suppliers-col-where = Var i filen
suppliers-local = lokal
suppliers-inactive = inaktiv
suppliers-shortened = kortare villkor
suppliers-contacts = Kontaktpersoner
suppliers-offers = Erbjudanden om kortare betalningstid
suppliers-no-offers = Inga erbjudanden.
suppliers-invoices = Fakturor
suppliers-no-invoices = Inga fakturor.
suppliers-fact-vat = Momsregistreringsnummer
suppliers-fact-f-skatt = F-skatt
suppliers-fact-yes = Ja
suppliers-fact-no = Nej
suppliers-pay-bankgiro = Bankgiro { $number }
suppliers-pay-plusgiro = Plusgiro { $number }
suppliers-pay-iban = IBAN { $iban } (BIC { $bic })
suppliers-pay-none = Saknas

nav-suppliers = Leverantörer

suppliers-new = Ny leverantör
suppliers-edit = Ändra
suppliers-save = Spara
suppliers-active = Aktiv leverantör
suppliers-contact-email = E-post
suppliers-contact-phone = Telefon
suppliers-pay-help = Fyll i ett av bankgiro, plusgiro eller IBAN (med BIC).
suppliers-import-title = Läs in register från fil
suppliers-import-help = CSV med rubrikrad, till exempel org_number;name;bankgiro;municipality;trades;f_skatt. Allt eller inget.
suppliers-import-file = Fil
suppliers-import = Läs in
suppliers-imported = { $inserted } nya, { $updated } ändrade, { $unchanged } oförändrade leverantörer.
suppliers-not-imported = Ingenting lästes in: rad { $line }, fältet { $field }: { $reason }
suppliers-choose-file = Välj en fil att läsa in.

suppliers-einvoice-upload-title = Ta emot e-fakturor
suppliers-einvoice-upload-help = Peppol BIS Billing 3.0 (UBL Invoice eller CreditNote), en eller flera filer. Varje fil kontrolleras mot reglerna; en fil som tagits emot tidigare ändrar ingenting.
suppliers-einvoice-files = Filer
suppliers-einvoice-upload = Ta emot
suppliers-einvoice-choose = Välj en eller flera XML-filer.
suppliers-einvoice-received = { $accepted } av { $files } filer togs emot som fakturor; { $refused } stoppades och står nedan.
suppliers-reply-title = Utkast till svar till leverantören
suppliers-reply-label = Svar att kopiera
suppliers-reply-body = Hej! Vi har tagit emot er e-faktura { $number } (filen { $file }) men kan inte ta emot den: { $reason }. Rätta det som står nedan och skicka en ny faktura. Skicka inte samma fil igen.
suppliers-reply-rule = { $rule }: { $message }
effect-suppliers-paid_earlier_week_1_ore = Betalas tidigare om alla tackar ja: första veckan
effect-suppliers-paid_earlier_week_2_ore = Betalas tidigare om alla tackar ja: andra veckan
effect-suppliers-paid_earlier_week_3_ore = Betalas tidigare om alla tackar ja: tredje veckan
effect-suppliers-paid_earlier_later_ore = Betalas tidigare om alla tackar ja: senare

# Chart axes (views::charts)
reports-axis-month = Månad
reports-axis-days = Dagar till betalning
reports-axis-week = Vecka som börjar
reports-axis-kr = Kronor
