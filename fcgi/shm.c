#define _GNU_SOURCE
#include "shm.h"

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

struct rd_shm *rd_shm;

int rd_shm_create(void)
{
	void *p = mmap(NULL, sizeof *rd_shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	rd_shm = p; /* mmap zero-fills: nothing is draining */
	rd_shm->supervisor = (int)getpid();
	return 0;
}

void rd_shm_free(void)
{
	if (rd_shm != NULL)
		munmap(rd_shm, sizeof *rd_shm);
	rd_shm = NULL;
}

int rd_shm_draining(void)
{
	return rd_shm != NULL && rd_shm->draining;
}

int rd_shm_closing(void)
{
	return rd_shm != NULL && rd_shm->closing;
}
