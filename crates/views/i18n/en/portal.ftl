# Portal: messages, contact preferences, my data (issue 7)
nav-messages = Messages
nav-prefs = Contact choices
nav-mydata = My data
messages-title = Messages from us
messages-intro = What we have sent you, newest first.
messages-none = We have not sent you any messages.
messages-date = Sent
messages-subject = Subject
messages-attachment = Attachment
channel-email = E-mail
channel-sms = Text message
channel-letter = Letter
prefs-title = How would you like us to contact you?
prefs-intro = Choose how you hear from us about invoices, visits and outages, and in which language.
prefs-channel = Contact me by
prefs-language = Language
prefs-save = Save
prefs-saved = Your contact choices are saved.
mydata-title = My data
mydata-intro = Download everything we hold about you (under the GDPR, article 15) as a JSON file.
mydata-download = Download my data
mydata-held = What we hold about you
mydata-table = Data
mydata-rows = Count
mydata-masked = Passwords and sign-in keys are not shown, only that they exist.
portal-extension-status = Extension: { $what } – { $status }
portal-next-visit = Next customer-centre visit: { $when }
portal-more = More on My pages
portal-cases-waiting = { $count ->
    [one] One case is waiting for your answer.
   *[other] { $count } cases are waiting for your answer.
}
portal-cases-open = { $count ->
    [one] Customer service is working on one case for you.
   *[other] Customer service is working on { $count } cases for you.
}
portal-problem-bad-email = The e-mail address does not look right, for example name@example.com.
portal-problem-bad-phone = Write a phone number, for example 070-123 45 67.
portal-problem-email-needed = Write an e-mail address to get messages by e-mail.
portal-problem-mobile-needed = Write a mobile number (07…) to get text messages.
portal-measure-banner = A banner on every page: “{ $en }”
portal-measure-no-banner = No banner on the pages.
portal-measure-deflection = Customers who want to chat are offered self-service (more time to pay, booking a visit, no home visits) before the chat is queued.
portal-measure-no-deflection = The chat is queued at once, without an offer of self-service.
portal-measure-chat-hours = The chat is open { $opens }–{ $closes } on weekdays.
effect-portal-banner_shown = Banner shown
effect-portal-deflection_on = Self-service offered before the chat
effect-portal-chat_opens_time = The chat opens on weekdays
effect-portal-chat_closes_time = The chat closes on weekdays
mydata-export-about = All data Beredskap holds about the customer (GDPR article 15).
