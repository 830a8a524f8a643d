"""A report, a rewrite of it and another write-up of its story: the texts the rewrite tests
(``tests/stories/test_rewrite.py``) and the rewrite view's test read."""

SOURCE = ("Firefighters in Wellington battled a blaze at the Waitrose supermarket early on Sunday, "
          "and half of the entrance roof collapsed, the fire service said.\n\n"
          "Robert Pitman, 24, from the town has been charged with arson and will appear before "
          "Taunton Deane magistrates on Tuesday, police confirmed.\n\n"
          "The store will stay closed for several weeks while the damage is assessed, a "
          "spokeswoman for the supermarket chain said.")
REWRITE = ("Half of the entrance roof collapsed when a blaze hit the Waitrose supermarket in "
           "Wellington early Sunday, fire services said, as firefighters battled it.\n\n"
           "Police confirmed that Robert Pitman, 24, from the town was charged with arson; he "
           "will appear before magistrates in Taunton Deane on Tuesday.\n\n"
           "A spokeswoman for the chain said the store would stay closed for several weeks "
           "while damage was assessed.")
OTHER = ("Shoppers in Wellington were evacuated on Sunday after a fire at the Waitrose store; "
         "a man from the town, Robert Pitman, was later arrested.\n\n"
         "Residents told reporters they heard sirens before dawn and saw smoke over the high "
         "street for hours, and local councillors praised the crews.")
