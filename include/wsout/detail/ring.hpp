//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_RING_HPP
#define WSOUT_DETAIL_RING_HPP

// A double-ended queue in one circular array that keeps its capacity: the
// output's message queues reach their working size once and then allocate
// nothing (std::deque allocates and frees a node every few elements).

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

template<class T>
class ring
{
    static_assert(std::is_nothrow_move_constructible_v<T>, "ring<T> moves elements when it grows");

public:
    ring() = default;
    ring(ring const&) = delete;
    ring& operator=(ring const&) = delete;

    ring(ring&& other) noexcept
        : data_(std::exchange(other.data_, nullptr))
        , capacity_(std::exchange(other.capacity_, 0))
        , head_(std::exchange(other.head_, 0))
        , size_(std::exchange(other.size_, 0))
    {}

    ring& operator=(ring&& other) noexcept
    {
        ring(std::move(other)).swap(*this);
        return *this;
    }

    ~ring()
    {
        clear();
        std::allocator<T>().deallocate(data_, capacity_);
    }

    void swap(ring& other) noexcept
    {
        std::swap(data_, other.data_);
        std::swap(capacity_, other.capacity_);
        std::swap(head_, other.head_);
        std::swap(size_, other.size_);
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t capacity() const noexcept { return capacity_; }

    T& operator[](std::size_t i) noexcept { return data_[slot(i)]; }
    T const& operator[](std::size_t i) const noexcept { return data_[slot(i)]; }
    T& front() noexcept { return data_[head_]; }
    T& back() noexcept { return data_[slot(size_ - 1)]; }

    void push_back(T&& v)
    {
        if (size_ == capacity_)
            grow();
        ::new (static_cast<void*>(data_ + slot(size_))) T(std::move(v));
        ++size_;
    }

    void push_front(T&& v)
    {
        if (size_ == capacity_)
            grow();
        std::size_t h = (head_ + capacity_ - 1) & (capacity_ - 1);
        ::new (static_cast<void*>(data_ + h)) T(std::move(v));
        head_ = h;
        ++size_;
    }

    void pop_front() noexcept
    {
        data_[head_].~T();
        head_ = (head_ + 1) & (capacity_ - 1);
        --size_;
    }

    void clear() noexcept
    {
        while (size_ != 0)
            pop_front();
        head_ = 0;
    }

    /// Index-based iteration (range-for).
    template<class Ring, class Value>
    class basic_iterator
    {
    public:
        basic_iterator(Ring* r, std::size_t i) noexcept
            : r_(r)
            , i_(i)
        {}
        Value& operator*() const noexcept { return (*r_)[i_]; }
        basic_iterator& operator++() noexcept
        {
            ++i_;
            return *this;
        }
        bool operator!=(basic_iterator const& o) const noexcept { return i_ != o.i_; }

    private:
        Ring* r_;
        std::size_t i_;
    };
    using iterator = basic_iterator<ring, T>;
    using const_iterator = basic_iterator<ring const, T const>;

    iterator begin() noexcept { return {this, 0}; }
    iterator end() noexcept { return {this, size_}; }
    const_iterator begin() const noexcept { return {this, 0}; }
    const_iterator end() const noexcept { return {this, size_}; }

private:
    std::size_t slot(std::size_t i) const noexcept { return (head_ + i) & (capacity_ - 1); }

    void grow()
    {
        std::size_t cap = capacity_ == 0 ? 16 : capacity_ * 2; // a power of two
        T* fresh = std::allocator<T>().allocate(cap);
        for (std::size_t i = 0; i < size_; ++i)
        {
            T& old = (*this)[i];
            ::new (static_cast<void*>(fresh + i)) T(std::move(old));
            // Ending a moved-from object's lifetime is what a move leaves it for.
            old.~T(); // NOLINT(bugprone-use-after-move)
        }
        std::allocator<T>().deallocate(data_, capacity_);
        data_ = fresh;
        capacity_ = cap;
        head_ = 0;
    }

    T* data_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
