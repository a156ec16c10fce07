// snn/snn.h — everything a C++ user of snn needs: #include <snn/snn.h>.
#pragma once

#include "snn/backend.h"
#include "snn/checkpoint.h"
#include "snn/errors.h"
#include "snn/host_reads.h"
#include "snn/monitor.h"
#include "snn/network.h"
#include "snn/neurons/registry.h"
#include "snn/plasticity/registry.h"
#include "snn/population.h"
#include "snn/projection.h"
#include "snn/signals.h"
#include "snn/spike_counter.h"
#include "snn/spike_monitor.h"
#include "snn/state_monitor.h"
#include "snn/transmission_monitor.h"
