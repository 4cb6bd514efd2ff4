package dev.baton.inventory;

import dev.baton.playbook.Mark;

/** A variable's value and the place that defined it. */
record Sourced(Object value, Mark mark) {}
