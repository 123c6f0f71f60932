"""Deadlines (办理时限): the policy table, the working-day calendar, due dates and colours.

* ``arithmetic`` — pure functions (no Django): ``due_date``, ``extend``, ``due_date_excluding``,
  ``deadline_end``, ``is_on_time``, ``colour``.
* ``calendar`` — pure ``ChinaCalendar``: ``chinese_calendar`` data + administrator overrides + a provisional
  rule for unpublished years.
* ``services`` — what other apps call: ``compute_due``, ``compute_extension``, ``policy_for``, ``colour_for``.
* ``hooks`` — ``on_rules_changed``: callbacks run after a calendar or policy change commits.
"""
