#pragma once
/// @file
/// The neural-network layer in one include: modules, initialisation, losses, the reference
/// models, safetensors save/load and the training loop (optimizers: gradflow/optim/optim.hpp).

#include <gradflow/nn/activation.hpp>
#include <gradflow/nn/arrays.hpp>
#include <gradflow/nn/checkpoint.hpp>
#include <gradflow/nn/conv.hpp>
#include <gradflow/nn/dropout.hpp>
#include <gradflow/nn/flatten.hpp>
#include <gradflow/nn/init.hpp>
#include <gradflow/nn/linear.hpp>
#include <gradflow/nn/loss.hpp>
#include <gradflow/nn/metrics.hpp>
#include <gradflow/nn/models.hpp>
#include <gradflow/nn/module.hpp>
#include <gradflow/nn/sequential.hpp>
#include <gradflow/nn/serialize.hpp>
#include <gradflow/nn/train.hpp>
