# Projects and work orders to subcontractors.

suppliers-project-kind-district_heating = District heating
suppliers-project-kind-cable = Cable laying
suppliers-project-kind-meter_exchange = Meter exchange
suppliers-project-kind-water = Water and sewage
suppliers-project-kind-broadband = Broadband
suppliers-project-kind-other = Other

suppliers-order-planned = Planned
suppliers-order-ordered = Ordered
suppliers-order-done = Done
suppliers-order-cancelled = Cancelled

suppliers-problem-order-not-movable = Only planned or ordered work can be moved.
suppliers-problem-not-earlier = Work can only be brought forward to an earlier month.
suppliers-problem-month-passed = The month has already passed.
suppliers-problem-bad-month = Write the month as YYYY-MM, for example 2026-05.
suppliers-problem-reference-taken = Another work order has reference { $reference }.
suppliers-problem-not-in-trade = The supplier does not work in that trade.

projects-title = Projects and work orders
projects-link = Projects and work orders
projects-report-title = Local subcontractors per trade
projects-report-intro = Hours and kronor ordered from local suppliers per month (cancelled work does not count), with the same month a year before in brackets.
projects-report-empty = No work orders to local suppliers in these months.
projects-cell = { $hours } h ({ $before } h)
projects-projects-title = Projects
projects-budget = Budget
projects-ordered = Ordered
projects-budget-owner = Budget owner
projects-col-reference = Reference
projects-col-month = Month
projects-col-hours = Hours
projects-moved-from = brought forward from { $month }
projects-bring-to = To month
projects-bring-forward = Bring forward
projects-new-order = New work order
projects-project = Project
projects-supplier = Supplier
projects-description = Description
projects-ordered-now = Ordered now (otherwise planned)
projects-add-order = Add work order
projects-new-project = New project
projects-project-name = Name
projects-project-kind = Kind
projects-starts = Starts
projects-ends = Ends
projects-add-project = Add project
projects-added-order = The work order is added.
projects-added-project = The project is added.
projects-brought-forward = The work is brought forward to { $month }.
suppliers-problem-not-orderer = The work order was placed by { $orderer }, who attests its delivery (or finance in their stead).
