# Portal: messages, contact preferences, my data (issue 7)
nav-messages = Meddelanden
nav-prefs = Kontaktval
nav-mydata = Mina uppgifter
messages-title = Meddelanden från oss
messages-intro = Det här har vi skickat till dig, det senaste först.
messages-none = Vi har inte skickat några meddelanden till dig.
messages-date = Skickat
messages-subject = Ämne
messages-attachment = Bilaga
channel-email = E-post
channel-sms = Sms
channel-letter = Brev
prefs-title = Hur vill du att vi kontaktar dig?
prefs-intro = Välj hur du vill få besked om fakturor, besök och driftstörningar, och på vilket språk.
prefs-channel = Kontakta mig via
prefs-language = Språk
prefs-save = Spara
prefs-saved = Dina kontaktval är sparade.
mydata-title = Mina uppgifter
mydata-intro = Här kan du ladda ner allt vi har sparat om dig (enligt dataskyddsförordningen, artikel 15) som en fil i formatet JSON.
mydata-download = Ladda ner mina uppgifter
mydata-held = Det här har vi sparat om dig
mydata-table = Uppgifter
mydata-rows = Antal
mydata-masked = Lösenord och inloggningsnycklar visas inte, bara att de finns.
portal-extension-status = Anstånd: { $what } – { $status }
portal-next-visit = Nästa besök på kundcenter: { $when }
portal-more = Mer på Mina sidor
portal-cases-waiting = { $count ->
    [one] Ett ärende väntar på ditt svar.
   *[other] { $count } ärenden väntar på ditt svar.
}
portal-cases-open = { $count ->
    [one] Kundtjänst arbetar med ett ärende åt dig.
   *[other] Kundtjänst arbetar med { $count } ärenden åt dig.
}
portal-problem-bad-email = E-postadressen ser inte rätt ut, till exempel namn@exempel.se.
portal-problem-bad-phone = Skriv ett telefonnummer, till exempel 070-123 45 67.
portal-problem-email-needed = Skriv en e-postadress för att få meddelanden med e-post.
portal-problem-mobile-needed = Skriv ett mobilnummer (07…) för att få meddelanden med sms.
portal-measure-banner = En banner på varje sida: ”{ $sv }”
portal-measure-no-banner = Ingen banner på sidorna.
portal-measure-deflection = Kunder som vill chatta erbjuds självservice (anstånd, bokning av besök, inga hembesök) innan chatten ställs i kö.
portal-measure-no-deflection = Chatten ställs i kö direkt, utan erbjudande om självservice.
portal-measure-chat-hours = Chatten är öppen { $opens }–{ $closes } på vardagar.
effect-portal-banner_shown = Banner visas
effect-portal-deflection_on = Självservice erbjuds före chatten
effect-portal-chat_opens_time = Chatten öppnar på vardagar
effect-portal-chat_closes_time = Chatten stänger på vardagar
mydata-export-about = Alla uppgifter Beredskap har om kunden (dataskyddsförordningen artikel 15).
