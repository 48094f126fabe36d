"""Care activities (附件5): activities and their gifts, the yearly plan, the care month, claims and
vouchers, hand-outs and recorded counts, and their reports."""
