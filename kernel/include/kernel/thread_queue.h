/* A FIFO of threads through their qnext/qprev links: run queues, endpoint and notification
 * waiters, threads parked on a depleted scheduling context. A thread is on one at a time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct thread;

struct thread_queue {
    struct thread *head, *tail;
};

void tq_push(struct thread_queue *q, struct thread *t);
void tq_push_head(struct thread_queue *q, struct thread *t);
void tq_remove(struct thread_queue *q, struct thread *t);
struct thread *tq_pop(struct thread_queue *q);
static inline bool tq_empty(const struct thread_queue *q) { return q->head == NULL; }
