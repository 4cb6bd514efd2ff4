package dev.baton.inventory;

import dev.baton.core.Mark;

/** A variable's value and the place that defined it. */
record Sourced(Object value, Mark mark) {}
