#pragma once
/// @file
/// The data layer in one include: Array, data sets (Fashion-MNIST, spiral), standardisation,
/// mini-batches and safetensors I/O. Nothing here depends on the Tensor layer.

#include <gradflow/data/array.hpp>
#include <gradflow/data/batches.hpp>
#include <gradflow/data/dataset.hpp>
#include <gradflow/data/fashion_mnist.hpp>
#include <gradflow/data/idx.hpp>
#include <gradflow/data/numpy_random.hpp>
#include <gradflow/data/safetensors.hpp>
#include <gradflow/data/spiral.hpp>
#include <gradflow/data/standardize.hpp>
#include <gradflow/data/write_target.hpp>
