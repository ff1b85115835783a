/* mkimage: validates a Duet system manifest and builds the partitions' boot files. */
#include "mkimage.h"

int main(int argc, char **argv)
{
    struct mk_options opt;
    if (mkimage_parse_args(argc, argv, &opt) || mkimage_run(&opt))
        return 1;
    return 0;
}
