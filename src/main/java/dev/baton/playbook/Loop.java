package dev.baton.playbook;

import dev.baton.core.Mark;

/**
 * A task's loop, as Ansible's {@code loop} / {@code with_items} / {@code with_list} / {@code
 * with_dict} and {@code loop_control} write it. The items are kept as written (a list, a mapping or
 * a template) and evaluated for each host when the task runs.
 *
 * @param keyword the keyword used: {@code loop}, {@code with_items}, {@code with_list} or {@code
 *     with_dict}
 * @param loopVar the item's variable name ({@code item} unless loop_control says)
 * @param indexVar the 0-based index's variable name, or null
 * @param label what the console shows for each item (a template), or null for the item itself
 * @param pauseSeconds seconds between items (0 for none)
 * @param extended true for {@code ansible_loop} (index, first, last, length, ...)
 */
public record Loop(
    String keyword,
    Object items,
    String loopVar,
    String indexVar,
    String label,
    double pauseSeconds,
    boolean extended,
    Mark mark) {}
